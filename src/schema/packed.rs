//! Packed JSON: the binary form in which rcdk embeds registry schemas, read in place.
//!
//! A schema is validated against many times but written once, so it is stored in a form that
//! needs no parsing and no heap: every value is a tag byte followed by its payload, and the
//! containers carry their byte length, so a reader skips a member without looking inside it.
//! Integers are little-endian.
//!
//! | tag | value | payload |
//! |---|---|---|
//! | 0, 1, 2 | `null`, `false`, `true` | none |
//! | 3 | non-negative integer | `u64` |
//! | 4 | negative integer | `i64` |
//! | 5 | other number | `f64` |
//! | 6 | string | `u32` byte length, UTF-8 bytes |
//! | 7 | array | `u32` item count, `u32` body length, the items |
//! | 8 | object | `u32` member count, `u32` body length, then the body: one `u32` offset per member (from the end of the offsets), then the members, each a `u32` key length, the key's UTF-8 bytes and the value |
//!
//! An object's members are sorted by the bytes of their keys, so a key is found by binary
//! search over the offsets. `schemas/compact.py` writes the embedded schemas; [`encode`] writes
//! a schema given at run time ([`ResourceSchema::from_value`](super::ResourceSchema::from_value)).
//! Numbers keep the kind serde_json gives them when it parses JSON text (non-negative integer,
//! negative integer, float), so [`Node::to_value`] gives back the value serde_json would parse.
//!
//! Reading never panics: malformed bytes read as absent values.

use serde_json::{Number, Value};

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const UINT: u8 = 3;
const INT: u8 = 4;
const FLOAT: u8 = 5;
const STRING: u8 = 6;
const ARRAY: u8 = 7;
const OBJECT: u8 = 8;

/// Bytes of the header of an array or object: tag, count, body length.
const CONTAINER_HEADER: usize = 9;

fn u32_at(bytes: &[u8], at: usize) -> Option<usize> {
    let raw: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(raw)).ok()
}

fn u64_at(bytes: &[u8], at: usize) -> Option<[u8; 8]> {
    bytes.get(at..at.checked_add(8)?)?.try_into().ok()
}

/// One packed JSON value: a view into the bytes that hold it (the bytes may go on after it).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node<'a> {
    bytes: &'a [u8],
}

/// What a [`Node`] holds, for `match`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(&'a str),
    Array,
    Object,
}

impl<'a> Node<'a> {
    /// The value that starts at the first byte of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Node<'a> {
        Node { bytes }
    }

    fn tag(self) -> u8 {
        self.bytes.first().copied().unwrap_or(NULL)
    }

    /// The number of bytes this value takes.
    fn size(self) -> Option<usize> {
        match self.tag() {
            NULL | FALSE | TRUE => Some(1),
            UINT | INT | FLOAT => Some(9),
            STRING => u32_at(self.bytes, 1)?.checked_add(5),
            ARRAY | OBJECT => u32_at(self.bytes, 5)?.checked_add(CONTAINER_HEADER),
            _ => None,
        }
    }

    pub(crate) fn kind(self) -> Kind<'a> {
        match self.tag() {
            FALSE => Kind::Bool(false),
            TRUE => Kind::Bool(true),
            UINT | INT | FLOAT => self.number().map_or(Kind::Null, Kind::Number),
            STRING => self.as_str().map_or(Kind::Null, Kind::String),
            ARRAY => Kind::Array,
            OBJECT => Kind::Object,
            _ => Kind::Null,
        }
    }

    pub(crate) fn as_str(self) -> Option<&'a str> {
        if self.tag() != STRING {
            return None;
        }
        let len = u32_at(self.bytes, 1)?;
        std::str::from_utf8(self.bytes.get(5..5usize.checked_add(len)?)?).ok()
    }

    pub(crate) fn as_bool(self) -> Option<bool> {
        match self.tag() {
            FALSE => Some(false),
            TRUE => Some(true),
            _ => None,
        }
    }

    pub(crate) fn is_object(self) -> bool {
        self.tag() == OBJECT
    }

    /// The number, as serde_json would hold it.
    pub(crate) fn number(self) -> Option<Number> {
        let raw = u64_at(self.bytes, 1)?;
        match self.tag() {
            UINT => Some(Number::from(u64::from_le_bytes(raw))),
            INT => Some(Number::from(i64::from_le_bytes(raw))),
            FLOAT => Number::from_f64(f64::from_le_bytes(raw)),
            _ => None,
        }
    }

    pub(crate) fn as_u64(self) -> Option<u64> {
        self.number()?.as_u64()
    }

    pub(crate) fn as_f64(self) -> Option<f64> {
        self.number()?.as_f64()
    }

    /// The body of an array or object: (count, body bytes).
    fn body(self, tag: u8) -> Option<(usize, &'a [u8])> {
        if self.tag() != tag {
            return None;
        }
        let count = u32_at(self.bytes, 1)?;
        let len = u32_at(self.bytes, 5)?;
        Some((count, self.bytes.get(CONTAINER_HEADER..CONTAINER_HEADER.checked_add(len)?)?))
    }

    /// The items of an array (none for any other value).
    pub(crate) fn items(self) -> Items<'a> {
        match self.body(ARRAY) {
            Some((count, body)) => Items { rest: body, left: count },
            None => Items { rest: &[], left: 0 },
        }
    }

    /// The members of an object in key order, keys as bytes (none for any other value).
    pub(crate) fn members(self) -> Members<'a> {
        match self.body(OBJECT) {
            Some((count, body)) => {
                Members { rest: body.get(count.saturating_mul(4)..).unwrap_or_default(), left: count }
            }
            None => Members { rest: &[], left: 0 },
        }
    }

    /// The members of an object in key order (none for any other value; a key that is not
    /// UTF-8 ends them).
    pub(crate) fn entries(self) -> impl Iterator<Item = (&'a str, Node<'a>)> + use<'a> {
        self.members().map_while(|(key, node)| Some((std::str::from_utf8(key).ok()?, node)))
    }

    /// The number of items of an array or members of an object (0 for other values).
    pub(crate) fn len(self) -> usize {
        self.body(ARRAY).or_else(|| self.body(OBJECT)).map_or(0, |(count, _)| count)
    }

    /// The member `key` of an object (binary search).
    pub(crate) fn get(self, key: &str) -> Option<Node<'a>> {
        let (count, body) = self.body(OBJECT)?;
        let members = body.get(count.checked_mul(4)?..)?;
        let member = |i: usize| -> Option<(&'a [u8], Node<'a>)> {
            let at = u32_at(body, i * 4)?;
            let len = u32_at(members, at)?;
            let key_start = at.checked_add(4)?;
            let key_end = key_start.checked_add(len)?;
            Some((members.get(key_start..key_end)?, Node { bytes: members.get(key_end..)? }))
        };
        let (mut low, mut high) = (0, count);
        while low < high {
            let mid = low + (high - low) / 2;
            let (name, value) = member(mid)?;
            match name.cmp(key.as_bytes()) {
                std::cmp::Ordering::Equal => return Some(value),
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
            }
        }
        None
    }

    /// The item `index` of an array.
    pub(crate) fn at(self, index: usize) -> Option<Node<'a>> {
        self.items().nth(index)
    }

    /// Resolves a JSON pointer (`/definitions/Name/properties/A`; `~1` is `/`, `~0` is `~`).
    pub(crate) fn pointer(self, pointer: &str) -> Option<Node<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for segment in pointer.strip_prefix('/')?.split('/') {
            let segment = super::unescape_pointer(segment);
            node = match node.tag() {
                OBJECT => node.get(&segment)?,
                ARRAY => node.at(segment.parse().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The value as serde_json holds it.
    pub(crate) fn to_value(self) -> Value {
        match self.kind() {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(b),
            Kind::Number(n) => Value::Number(n),
            Kind::String(s) => Value::String(s.to_string()),
            Kind::Array => Value::Array(self.items().map(|n| n.to_value()).collect()),
            Kind::Object => Value::Object(self.entries().map(|(k, v)| (k.to_string(), v.to_value())).collect()),
        }
    }
}

/// The items of a packed array.
#[derive(Clone)]
pub(crate) struct Items<'a> {
    rest: &'a [u8],
    left: usize,
}

impl<'a> Iterator for Items<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        if self.left == 0 {
            return None;
        }
        let node = Node { bytes: self.rest };
        let Some(rest) = node.size().and_then(|size| self.rest.get(size..)) else {
            self.left = 0;
            return None;
        };
        self.rest = rest;
        self.left -= 1;
        Some(node)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left))
    }
}

/// The members of a packed object, in key order, keys as bytes.
#[derive(Clone)]
pub(crate) struct Members<'a> {
    rest: &'a [u8],
    left: usize,
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a [u8], Node<'a>);

    fn next(&mut self) -> Option<(&'a [u8], Node<'a>)> {
        if self.left == 0 {
            return None;
        }
        let member = (|| {
            let len = u32_at(self.rest, 0)?;
            let key_end = len.checked_add(4)?;
            let key = self.rest.get(4..key_end)?;
            let node = Node { bytes: self.rest.get(key_end..)? };
            let rest = self.rest.get(key_end.checked_add(node.size()?)?..)?;
            Some((key, node, rest))
        })();
        let Some((key, node, rest)) = member else {
            self.left = 0;
            return None;
        };
        self.rest = rest;
        self.left -= 1;
        Some((key, node))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left))
    }
}

impl Default for Node<'_> {
    fn default() -> Self {
        Node { bytes: &[NULL] }
    }
}

/// Whether the byte length fits the format's `u32` fields.
fn length(n: usize) -> Result<[u8; 4], TooLarge> {
    u32::try_from(n).map(u32::to_le_bytes).map_err(|_| TooLarge)
}

/// A value too large for the format's 32-bit lengths (4 GiB).
#[derive(Debug)]
pub(crate) struct TooLarge;

/// Appends the packed form of `value` to `out` (object members sorted by key bytes).
pub(crate) fn encode(value: &Value, out: &mut Vec<u8>) -> Result<(), TooLarge> {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push(UINT);
                out.extend_from_slice(&u.to_le_bytes());
            } else if let Some(i) = n.as_i64() {
                out.push(INT);
                out.extend_from_slice(&i.to_le_bytes());
            } else {
                out.push(FLOAT);
                out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_le_bytes());
            }
        }
        Value::String(s) => {
            out.push(STRING);
            out.extend_from_slice(&length(s.len())?);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            let mut body = Vec::new();
            for item in items {
                encode(item, &mut body)?;
            }
            out.push(ARRAY);
            out.extend_from_slice(&length(items.len())?);
            out.extend_from_slice(&length(body.len())?);
            out.extend_from_slice(&body);
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            let mut offsets = Vec::with_capacity(keys.len() * 4);
            let mut members = Vec::new();
            for key in keys {
                offsets.extend_from_slice(&length(members.len())?);
                members.extend_from_slice(&length(key.len())?);
                members.extend_from_slice(key.as_bytes());
                encode(&map[key.as_str()], &mut members)?;
            }
            out.push(OBJECT);
            out.extend_from_slice(&length(map.len())?);
            out.extend_from_slice(&length(offsets.len() + members.len())?);
            out.extend_from_slice(&offsets);
            out.extend_from_slice(&members);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn packed(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        encode(value, &mut out).unwrap();
        out
    }

    #[test]
    fn values_read_back_as_serde_json_parses_them() {
        let value = json!({
            "b": [1, -2, 2.5, "x", null, true, false, {"z": {}, "a": []}],
            "a": {"pattern": "^[a-z]+\\.$", "é": "ü"},
            "": 18446744073709551615u64
        });
        let bytes = packed(&value);
        let node = Node::new(&bytes);
        // Equal as values: serde_json's numbers compare their kind too (1 is not 1.0).
        assert_eq!(node.to_value(), value);
        assert_eq!(node.to_value(), serde_json::from_str::<Value>(&value.to_string()).unwrap());
        assert_eq!(node.len(), 3);
        assert_eq!(node.entries().map(|(k, _)| k).collect::<Vec<_>>(), ["", "a", "b"]);
        assert_eq!(node.get("a").unwrap().get("é").unwrap().as_str(), Some("ü"));
        assert_eq!(node.pointer("/b/2").unwrap().as_f64(), Some(2.5));
        assert_eq!(node.pointer("/b/1").unwrap().kind(), Kind::Number(Number::from(-2)));
        assert_eq!(node.pointer("/b/7/z").unwrap().len(), 0);
        assert!(node.get("c").is_none() && node.pointer("/b/9").is_none() && node.pointer("/a/x/y").is_none());
        assert_eq!(node.get("").unwrap().as_u64(), Some(u64::MAX));
    }

    #[test]
    fn every_key_of_a_large_object_is_found() {
        let map: serde_json::Map<String, Value> = (0..300).map(|i| (format!("k{i}"), json!(i))).collect();
        let bytes = packed(&Value::Object(map));
        let node = Node::new(&bytes);
        for i in 0..300 {
            assert_eq!(node.get(&format!("k{i}")).and_then(|n| n.as_u64()), Some(i));
        }
        assert!(node.get("k300").is_none() && node.get("a").is_none() && node.get("l").is_none());
    }

    #[test]
    fn malformed_bytes_read_as_absent_values() {
        let bytes = packed(&json!({"a": [1, 2, "three"], "b": "text"}));
        for cut in 0..bytes.len() {
            let node = Node::new(&bytes[..cut]);
            // Whatever is cut off is absent; nothing panics.
            let _ = (node.to_value(), node.get("a").map(|a| a.items().count()), node.get("b").and_then(|b| b.as_str()));
        }
        let mut bad = bytes.clone();
        bad[1] = 0xff; // a member count far beyond the body
        assert!(Node::new(&bad).entries().count() < 3);
        assert!(Node::new(&[42]).kind() == Kind::Null);
    }

    /// The embedded schemas are what `encode` writes for the same values: the Python writer
    /// (`schemas/compact.py`) and this one agree, byte for byte.
    #[test]
    fn embedded_schemas_are_encoded_as_encode_writes_them() {
        for type_name in
            ["AWS::Kinesis::Stream", "AWS::S3::Bucket", "AWS::KinesisFirehose::DeliveryStream", "AWS::SSM::Parameter"]
        {
            let bytes = super::super::embedded_bytes(type_name).unwrap();
            let value = Node::new(bytes).to_value();
            assert_eq!(packed(&value), bytes, "{type_name}");
        }
    }
}
