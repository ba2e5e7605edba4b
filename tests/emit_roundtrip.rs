//! Property tests: random templates render to JSON and YAML that parse back to the same document,
//! and JSON-with-references renders to an expression that evaluates back to the payload.

use proptest::prelude::*;
use rcdk::core::emit::{json::to_json, yaml::to_yaml};
use rcdk::prelude::*;
use serde_json::Value as Json;

/// Strings that stress YAML 1.1: trap words, numbers, indicators, spaces, newlines, unicode.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "y",
            "n",
            "yes",
            "No",
            "ON",
            "off",
            "true",
            "False",
            "~",
            "null",
            "2012-10-17",
            "12:30",
            "1_000",
            "0777",
            "0x1F",
            "1e3",
            ".inf",
            "-.inf",
            ".NaN",
            "<<",
            "=",
            "",
            " ",
            "a: b",
            "a #b",
            "- x",
            "? q",
            "|",
            ">",
            "'",
            "\"",
            "%x",
            "@x",
            "`x",
            "!Ref X",
            "&a",
            "*a",
            "{a}",
            "[a]",
            "a,b",
            "#c",
            "x\n",
            "\ny",
            "a\n\nb\n\n",
            "  lead",
            "tab\there",
            "é ü",
            "\u{1}ctl",
            "arn:aws:s3:::b/*",
            "${AWS::Region}",
        ])
        .prop_map(String::from),
        "[ -~]{0,12}",
        "[a-zA-Z0-9 :#\n-]{0,16}",
    ]
}

fn json_tree() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        (-1e12f64..1e12).prop_map(|f| serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)),
        tricky_string().prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
            prop::collection::vec((tricky_string(), inner), 0..5).prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    })
}

fn same_numbers(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_numbers(p, q)),
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k1, v1), (k2, v2))| k1 == k2 && same_numbers(v1, v2))
        }
        _ => a == b,
    }
}

/// Trees mixing data with intrinsic functions (short-form tags in YAML, nested in every way).
fn template_tree() -> impl Strategy<Value = Json> {
    let id = "[A-Za-z][A-Za-z0-9]{0,8}";
    let leaf = prop_oneof![
        json_tree(),
        id.prop_map(|r| serde_json::json!({ "Ref": r })),
        (id, "[A-Za-z][A-Za-z0-9.]{0,8}").prop_map(|(r, a)| serde_json::json!({ "Fn::GetAtt": [r, a] })),
        tricky_string().prop_map(|t| serde_json::json!({ "Fn::Sub": t })),
        Just(serde_json::json!({ "Fn::GetAZs": "" })),
        id.prop_map(|c| serde_json::json!({ "Condition": c })),
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            (tricky_string(), prop::collection::vec(inner.clone(), 0..4))
                .prop_map(|(d, items)| serde_json::json!({ "Fn::Join": [d, items] })),
            inner.clone().prop_map(|v| serde_json::json!({ "Fn::Base64": v })),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| serde_json::json!({ "Fn::If": ["Cond", a, b] })),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| serde_json::json!({ "Fn::Equals": [a, b] })),
            inner.clone().prop_map(|v| serde_json::json!({ "Fn::Select": [0, v] })),
            (tricky_string(), inner.clone()).prop_map(|(t, v)| serde_json::json!({ "Fn::Sub": [t, { "V": v }] })),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec(("[A-Za-z][A-Za-z0-9]{0,6}", inner), 2..4)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn yaml_with_intrinsics_reads_back_as_the_json_document(doc in prop::collection::vec(("[A-Za-z][A-Za-z0-9]{0,8}", template_tree()), 1..5)) {
        let doc = Json::Object(doc.into_iter().collect());
        let yaml = to_yaml(&doc);
        let read = rcdk::review::read::read_template(&yaml).map_err(|e| TestCaseError::fail(format!("{e:?}\n{yaml}")))?;
        prop_assert!(same_numbers(read.value(), &doc), "YAML:\n{}\nread back as {}\nexpected {}", yaml, read.value(), doc);
    }

    #[test]
    fn json_and_yaml_parse_back_to_the_same_document(doc in prop::collection::vec((tricky_string(), json_tree()), 1..6)) {
        // Plain data only: single-key `Fn::`/`Ref` maps are intrinsic functions, covered below.
        let doc = Json::Object(doc.into_iter().filter(|(k, _)| k != "Ref" && !k.starts_with("Fn::") && k != "Condition").collect());
        let from_json: Json = serde_json::from_str(&to_json(&doc)).unwrap();
        prop_assert_eq!(&from_json, &doc);
        let yaml = to_yaml(&doc);
        let from_yaml: Json = serde_saphyr::from_str(&yaml).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        prop_assert!(same_numbers(&from_yaml, &doc), "YAML:\n{}\nread back as {}\nexpected {}", yaml, from_yaml, doc);
    }

    #[test]
    fn json_with_references_round_trips(payload in json_tree(), inner in json_tree()) {
        // A payload containing a reference and a nested JSON document; evaluating the resulting
        // Fn::Join with the reference replaced by a known ARN must give the payload back.
        let mut stack = Stack::new("S", StackProps::default()).unwrap();
        let stream = stack.add_raw_resource("Stream", "AWS::Kinesis::Stream", Map::new()).unwrap();
        let value = Value::map([
            ("payload", Value::from(payload.clone())),
            ("arn", stream.get_att("Arn")),
            ("nested", Value::json(Value::map([("inner", Value::from(inner.clone())), ("ref", stream.ref_())]))),
        ]);
        let mut props = Map::new();
        props.insert("ServiceToken".into(), Value::from("arn:aws:lambda:us-east-1:1:function:f"));
        props.insert("Doc".into(), Value::json(value));
        stack.add_raw_resource("Custom", "Custom::X", props).unwrap();
        let mut app = App::new();
        app.add_stack(stack).unwrap();
        let a = app.assemble().unwrap();
        let rendered = &a.stacks[0].template()["Resources"]["Custom"]["Properties"]["Doc"];
        let text = evaluate(rendered);
        let parsed: Json = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
        prop_assert!(same_numbers(&parsed["payload"], &payload));
        prop_assert_eq!(&parsed["arn"], &Json::String("arn:aws:kinesis:us-east-1:1:stream/s".into()));
        let nested: Json = serde_json::from_str(parsed["nested"].as_str().unwrap()).unwrap();
        prop_assert!(same_numbers(&nested["inner"], &inner));
        prop_assert_eq!(&nested["ref"], &Json::String("s".into()));
    }
}

/// What CloudFormation would compute: Fn::Join of strings, with the stream's Ref and Arn known.
fn evaluate(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Object(m) if m.contains_key("Fn::Join") => {
            let args = m["Fn::Join"].as_array().unwrap();
            let delim = args[0].as_str().unwrap();
            args[1].as_array().unwrap().iter().map(evaluate).collect::<Vec<_>>().join(delim)
        }
        Json::Object(m) if m.get("Ref") == Some(&Json::String("Stream".into())) => "s".into(),
        Json::Object(m) if m.contains_key("Fn::GetAtt") => "arn:aws:kinesis:us-east-1:1:stream/s".into(),
        other => panic!("unexpected expression {other}"),
    }
}
