//! The one [`Tag`] type for the standard CloudFormation tag shape `{"Key": string, "Value": string}`.
//!
//! Most resource types declare their `Tags` property as a list of this shape (each schema under its own
//! definition name); the generated L1 types all take this one type there, so a tag is written the same way
//! for every service: `Tag::new("team", "data")`.

use crate::core::value::{IntoValue, Map, Val, Value};

/// A resource tag: `{"Key": key, "Value": value}`.
///
/// Used by every generated L1 type whose schema declares a tag definition of exactly the `{Key: string,
/// Value: string}` shape. Where a schema lets `Value` be left out, a `Tag` still always writes it (an empty
/// string reads as "no value" to the services that allow that).
///
/// # Example
///
/// ```
/// use rcdk::core::tag::Tag;
/// use rcdk::core::value::{IntoValue, Value};
///
/// let tag = Tag::new("team", "data");
/// assert_eq!(tag.into_value(), Value::map([("Key", "team"), ("Value", "data")]));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// The tag key (CloudFormation `Key`): 1–128 characters, not starting with `aws:`.
    pub key: Val<String>,
    /// The tag value (CloudFormation `Value`): 0–256 characters.
    pub value: Val<String>,
}

impl Tag {
    /// A tag from its key and value (literals or any expression, e.g. a parameter).
    pub fn new(key: impl Into<Val<String>>, value: impl Into<Val<String>>) -> Self {
        Tag { key: key.into(), value: value.into() }
    }
}

impl IntoValue for Tag {
    fn into_value(self) -> Value {
        let mut m = Map::new();
        m.insert("Key".into(), self.key.into_value());
        m.insert("Value".into(), self.value.into_value());
        Value::Map(m)
    }
}

impl From<Tag> for Value {
    fn from(t: Tag) -> Self {
        t.into_value()
    }
}

impl From<Tag> for Val<Tag> {
    fn from(t: Tag) -> Self {
        Val::expr(t.into_value())
    }
}

impl<K: Into<Val<String>>, V: Into<Val<String>>> From<(K, V)> for Tag {
    fn from((key, value): (K, V)) -> Self {
        Tag::new(key, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::value::Pseudo;

    #[test]
    fn renders_key_then_value_and_takes_expressions() {
        let tag: Tag = ("stack", Val::<String>::from(Pseudo::StackName)).into();
        let Value::Map(m) = tag.into_value() else { panic!("a tag renders as a map") };
        assert_eq!(m.keys().collect::<Vec<_>>(), ["Key", "Value"]);
        assert_eq!(m["Key"], Value::from("stack"));
        assert_eq!(m["Value"], Value::Pseudo(Pseudo::StackName));
    }
}
