//! The two-stack example as the CDK CLI sees it: the manifest says the consumer depends on the data
//! stack (so `cdk deploy --all` deploys the data stack first), and the consumer imports exactly the
//! exports the data stack declares.

use std::path::{Path, PathBuf};
use std::process::Command;

fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>");
    profile_dir.join("examples").join(name)
}

fn read(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_consumer_depends_on_and_imports_from_the_data_stack() {
    let out = std::env::temp_dir().join(format!("rcdk-multi-stack-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(example("multi_stack")).arg("--out").arg(&out).env_remove("RCDK_OUTDIR").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest = read(&out.join("manifest.json"));
    assert_eq!(manifest["artifacts"]["ConsumerStack"]["dependencies"], serde_json::json!(["DataStack"]));
    assert!(manifest["artifacts"]["DataStack"].get("dependencies").is_none());

    let data = read(&out.join("DataStack.template.json"));
    let mut exported: Vec<String> = data["Outputs"]
        .as_object()
        .expect("DataStack has outputs")
        .values()
        .filter_map(|o| o["Export"]["Name"].as_str().map(String::from))
        .collect();
    exported.sort();
    let mut imported = Vec::new();
    collect_imports(&read(&out.join("ConsumerStack.template.json")), &mut imported);
    imported.sort();
    imported.dedup();
    assert!(!imported.is_empty());
    assert_eq!(imported, exported);
    let _ = std::fs::remove_dir_all(&out);
}

fn collect_imports(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(name) = m.get("Fn::ImportValue").and_then(|n| n.as_str()) {
                out.push(name.to_string());
            }
            m.values().for_each(|x| collect_imports(x, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| collect_imports(x, out)),
        _ => {}
    }
}
