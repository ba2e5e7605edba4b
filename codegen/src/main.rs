//! rcdk-codegen: writes `src/l1/` (typed L1 resources) from the vendored registry schemas in `schemas/`.
//!
//! ```text
//! cargo run -p rcdk-codegen             # regenerate src/l1/
//! cargo run -p rcdk-codegen -- --check  # exit 1 and name the files if regenerating would change anything
//! ```
//!
//! Output is piped through `rustfmt --edition 2024` with the repository's `rustfmt.toml`, so it is
//! formatted exactly as `cargo fmt` would leave it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use serde_json::Value as J;

/// Properties that carry secrets: they accept only `SecretValue` (no `&str`), so a secret cannot be
/// written into the program (and the template) in plain text by accident.
/// (type name, definition name or `""` for the resource's own properties, property name)
const SECRETS: &[(&str, &str, &str)] = &[
    ("AWS::KinesisFirehose::DeliveryStream", "SnowflakeDestinationConfiguration", "PrivateKey"),
    ("AWS::KinesisFirehose::DeliveryStream", "SnowflakeDestinationConfiguration", "KeyPassphrase"),
    ("AWS::KinesisFirehose::DeliveryStream", "RedshiftDestinationConfiguration", "Password"),
    ("AWS::KinesisFirehose::DeliveryStream", "SplunkDestinationConfiguration", "HECToken"),
    ("AWS::KinesisFirehose::DeliveryStream", "HttpEndpointConfiguration", "AccessKey"),
    ("AWS::SecretsManager::Secret", "", "SecretString"),
];

/// The shared helpers of the generated modules (written into `src/l1/mod.rs`, before the modules, so the
/// macros are in scope in all of them). They keep each generated property one line where they can.
const MOD_RS_HELPERS: &str = r#"pub use crate::core::tag::Tag;

use crate::core::value::{IntoValue, Map};

/// Inserts an optional property if it is set (used by the generated code here and in the service crates).
#[doc(hidden)]
pub fn put<T: IntoValue>(m: &mut Map, key: &str, v: Option<T>) {
    if let Some(v) = v {
        m.insert(key.into(), v.into_value());
    }
}

/// Chained setters for optional properties: `field "CfnName": Type;` → `pub fn field(self, v: impl Into<Type>)`.
#[doc(hidden)]
#[macro_export]
macro_rules! setters {
    ($($field:ident $cfn:literal: $ty:ty;)*) => {
        $(
            #[doc = concat!("Sets the field `", stringify!($field), "` (CloudFormation `", $cfn, "`).")]
            #[allow(clippy::should_implement_trait, reason = "named after the property (`Add`, `Not`, ...)")]
            pub fn $field(mut self, v: impl Into<$ty>) -> Self {
                self.$field = Some(v.into());
                self
            }
        )*
    };
}

/// A string enum of the schema: `Name[count] { Variant = "VALUE", ... }` (doc comments first) → the enum
/// (each variant documented with its spelling), `ALL`, `as_str`, `Display`, and `Value`/`Val<Self>` conversions.
#[doc(hidden)]
#[macro_export]
macro_rules! cfn_enum {
    ($(#[$meta:meta])* $name:ident[$n:literal] { $($variant:ident = $value:literal,)* }) => {
        $(#[$meta])*
        #[doc = ""]
        #[doc = concat!("Rendered as its CloudFormation spelling ([`", stringify!($name), "::as_str`]).")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("`", $value, "`")]
                $variant,
            )*
        }

        impl $name {
            /// Every variant, in schema order.
            pub const ALL: [$name; $n] = [$($name::$variant),*];

            /// The CloudFormation spelling.
            #[inline]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<$name> for $crate::core::value::Value {
            #[inline]
            fn from(v: $name) -> Self {
                $crate::core::value::Value::String(v.as_str().to_string())
            }
        }

        impl From<$name> for $crate::core::value::Val<$name> {
            #[inline]
            fn from(v: $name) -> Self {
                $crate::core::value::Val::expr(v.into())
            }
        }
    };
}

/// A property type's conversions (into a `Value`, and into `Val<Self>`) come from [`PropertyType`].
#[doc(hidden)]
#[macro_export]
macro_rules! property_type {
    ($name:ident) => {
        impl $crate::l1::PropertyType for $name {}
    };
}

/// A generated property type (a struct of an L1 resource's properties). Marking a type with it gives the
/// conversions a property field needs: into a [`Value`](crate::core::value::Value), and into
/// [`Val<Self>`](crate::core::value::Val) (so a field takes the struct or any expression). One blanket
/// implementation for all, not two `From` impls per type: fewer impls to compile in every service.
pub trait PropertyType: IntoValue {}

impl<T: PropertyType> From<T> for crate::core::value::Value {
    #[inline]
    fn from(v: T) -> Self {
        v.into_value()
    }
}

impl<T: PropertyType> From<T> for crate::core::value::Val<T> {
    #[inline]
    fn from(v: T) -> Self {
        crate::core::value::Val::expr(v.into_value())
    }
}

"#;

/// What `Ref` returns where it is not simply the primary identifier (or the identifier's name says
/// too little).
const REF_EXCEPTIONS: &[(&str, &str)] = &[
    ("AWS::Kinesis::Stream", "the stream name"),
    ("AWS::KMS::Key", "the key id (e.g. `1234abcd-12ab-34cd-56ef-1234567890ab`)"),
    ("AWS::SecretsManager::Secret", "the secret's ARN"),
    ("AWS::KinesisFirehose::DeliveryStream", "the delivery stream name"),
    ("AWS::IAM::Role", "the role name"),
    ("AWS::IAM::ManagedPolicy", "the policy ARN"),
    ("AWS::S3::Bucket", "the bucket name"),
    ("AWS::Lambda::Function", "the function name"),
    ("AWS::SNS::Topic", "the topic ARN"),
    ("AWS::Logs::LogGroup", "the log group name"),
];

/// Names the generated modules import; types must not shadow them.
/// (Prelude names too: a property type called `Result` or `From` would break the generated code around it.)
const RESERVED: &[&str] = &[
    "Val",
    "Value",
    "Map",
    "IntoValue",
    "SecretValue",
    "Option",
    "Vec",
    "Box",
    "String",
    "Self",
    "Handle",
    "CfnResource",
    "Tag",
    "From",
    "Into",
    "Some",
    "None",
    "Ok",
    "Err",
    "Result",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "Iterator",
    "ToString",
    "Ord",
    "PartialOrd",
];

/// Variant names avoided (kept as they were for the first 20 types, so no existing variant is renamed).
const VARIANT_RESERVED: &[&str] =
    &["Val", "Value", "Map", "IntoValue", "SecretValue", "Option", "Vec", "Box", "String", "Self"];

const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type",
    "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    if let Some(bad) = args.iter().find(|a| *a != "--check") {
        eprintln!("unknown argument {bad:?}; usage: cargo run -p rcdk-codegen [-- --check]");
        return ExitCode::from(2);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen/ has a parent").to_path_buf();
    match run(&root, check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("rcdk-codegen: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(root: &Path, check: bool) -> Result<bool, String> {
    let schemas = root.join("schemas");
    let source = read(&schemas.join("SOURCE.md"))?;
    let version = source
        .split("cfn-lint==")
        .nth(1)
        .and_then(|s| s.split(|c: char| !(c.is_ascii_digit() || c == '.')).next())
        .map(|v| v.trim_end_matches('.').to_string())
        .ok_or("schemas/SOURCE.md does not name the cfn-lint version (`cfn-lint==X.Y.Z`)")?;
    let header = format!(
        "// @generated by rcdk-codegen from CloudFormation registry schemas (cfn-lint {version}). Do not edit.\n"
    );

    // Every vendored registry schema is generated: one module (and one cargo feature) per service namespace.
    let registry = schemas.join("registry");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&registry)
        .map_err(|e| format!("{}: {e}", registry.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut services: BTreeMap<String, Vec<(String, J)>> = BTreeMap::new();
    for path in &paths {
        let file = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        let schema: J = serde_json::from_str(&read(path)?).map_err(|e| format!("{file}: {e}"))?;
        let type_name =
            schema.get("typeName").and_then(J::as_str).ok_or_else(|| format!("{file}: no typeName"))?.to_string();
        let parts: Vec<&str> = type_name.split("::").collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
            return Err(format!("{file}: unexpected type name {type_name:?}"));
        }
        services.entry(module_name(parts[1])).or_default().push((type_name.clone(), schema));
    }
    for resources in services.values_mut() {
        resources.sort_by(|a, b| a.0.cmp(&b.0));
    }

    // The services the hand-written constructs build on (the namespaces of `schemas/types.txt`) are modules of
    // rcdk itself (`rcdk::l1::kinesis`, one cargo feature each); every other service is a crate of its own
    // (`services/ec2` → `rcdk-ec2`), so adding one to a program compiles that service alone and never rcdk
    // again (a feature change would recompile all of rcdk; docs/performance.md has the measurements).
    let in_crate: BTreeSet<String> = read(&schemas.join("types.txt"))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|t| t.split("::").nth(1).map(module_name))
        .collect();
    if let Some(unknown) = in_crate.iter().find(|s| !services.contains_key(*s)) {
        return Err(format!("schemas/types.txt names service {unknown:?}, which has no schema in schemas/registry/"));
    }

    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut mod_rs = header.clone();
    mod_rs.push_str(
        "//! L1 resources: one Rust type per CloudFormation resource type and property type, generated from the\n\
         //! CloudFormation registry schemas vendored in `schemas/` (regenerate with `cargo run -p rcdk-codegen`).\n\
         //!\n\
         //! The services the L2 constructs build on are modules here, one cargo feature each; every other service\n\
         //! is a crate of its own in `services/` (`rcdk-ec2`, `rcdk-sqs`, …) with the same types.\n\
         //!\n\
         //! Required properties are arguments of `new`, optional ones are chained setters; string enums are Rust\n\
         //! enums; every property also accepts a value expression (`Ref`, `Fn::GetAtt`, parameters…) through\n\
         //! [`Val`](crate::core::value::Val); secrets accept only [`SecretValue`](crate::core::value::SecretValue).\n\n",
    );
    mod_rs.push_str(MOD_RS_HELPERS);
    for name in &in_crate {
        let _ = writeln!(mod_rs, "#[cfg(feature = \"{name}\")]\npub mod {name};");
    }
    files.insert("src/l1/mod.rs".into(), mod_rs);
    let mut members = Vec::new();
    for (service, resources) in &services {
        let standalone = !in_crate.contains(service);
        let package = format!("rcdk-{service}");
        let mut out = header.clone();
        let namespace = resources[0].0.rsplit_once("::").map(|(ns, _)| ns).unwrap_or_default().to_string();
        let list = resources
            .iter()
            .map(|(t, _)| format!("[`Cfn{0}`]", t.rsplit("::").next().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(", ");
        if standalone {
            let _ = writeln!(
                out,
                "//! `{namespace}` resource types for [`rcdk`] (crate `{package}`): {list}.\n//!\n\
                 //! Add them to a [`Stack`](rcdk::core::stack::Stack) with `add_resource`; the `Fn::GetAtt` attributes of\n\
                 //! a resource are methods of its handle, declared by one trait per resource (`Cfn…Attributes`), which\n\
                 //! `use {}::*` brings into scope.\n//!",
                package.replace('-', "_")
            );
        } else {
            let _ = writeln!(out, "//! `{namespace}` resource types (cargo feature `{service}`): {list}.\n//!");
        }
        let mut body = String::new();
        let mut uses = Uses::default();
        let mut submodules = BTreeSet::new();
        let mut subs: Submodules = Vec::new();
        let top_names: BTreeSet<String> =
            resources.iter().map(|(t, _)| format!("Cfn{}", t.rsplit("::").next().unwrap_or_default())).collect();
        for (i, (type_name, schema)) in resources.iter().enumerate() {
            // Enums of the same property name with different values are all named after their owner
            // (`SnowflakeDestinationConfigurationS3BackupMode`), so no variant set gets the bare name by luck.
            let mut model = Model::build(type_name, schema, BTreeSet::new())?;
            if !model.collided.is_empty() {
                let collided = std::mem::take(&mut model.collided);
                model = Model::build(type_name, schema, collided)?;
            }
            if standalone {
                let trait_name = format!("{}Attributes", model.struct_name);
                if top_names.contains(&trait_name) {
                    return Err(format!("{type_name}: the attribute trait {trait_name} would shadow a resource type"));
                }
                model.crate_name = Some(package.replace('-', "_"));
            }
            // Two resource names that map to one submodule name (`FooBar` / `Foobar`) get numbered.
            let base = model.submodule.clone();
            let mut n = 2;
            while !submodules.insert(model.submodule.clone()) {
                model.submodule = format!("{}_{n}", base.trim_start_matches("r#"));
                n += 1;
            }
            if i == 0 {
                out.push_str(&model.module_example());
            }
            let mut top = String::new();
            let items = model.render(&mut top, &mut uses);
            body.push_str(&top);
            subs.push((model.submodule.clone(), model.struct_name.clone(), type_name.clone(), items));
        }
        body.push_str(&render_submodules(subs));
        if standalone {
            // The macros (`setters!`, `cfn_enum!`, `property_type!`) and `put` are rcdk's (src/l1/mod.rs).
            out.push_str("#![warn(missing_docs)]\n\n");
            if ["setters!", "cfn_enum!", "property_type!"].iter().any(|m| body.contains(m)) {
                out.push_str("#[macro_use]\nextern crate rcdk;\n\n");
            }
        }
        out.push_str(&uses.header(true));
        out.push_str(&body);
        if standalone {
            // The same text as inside rcdk, with the engine named by its crate.
            out = out.replace("crate::core::", "rcdk::core::").replace("crate::l1::", "rcdk::l1::");
            files.insert(format!("services/{service}/src/lib.rs"), out);
            files.insert(format!("services/{service}/Cargo.toml"), service_manifest(&version, &package, &namespace));
            members.push(service.clone());
        } else {
            files.insert(format!("src/l1/{service}.rs"), out);
        }
    }
    files.insert("services/Cargo.toml".into(), services_workspace(&version, &members));

    // The services inside rcdk sit behind a cargo feature of the same name each; `default` is a subset (what the
    // hand-written constructs and the article's pipeline need), kept as the manifest has it.
    let manifest = read(&root.join("Cargo.toml"))?;
    check_features(&manifest, &in_crate)?;

    let mut changed = Vec::new();
    let mut formatted = BTreeMap::new();
    for (name, text) in &files {
        let text = if name.ends_with(".rs") { rustfmt(root, text)? } else { text.clone() };
        if std::fs::read_to_string(root.join(name)).ok().as_deref() != Some(text.as_str()) {
            changed.push(name.clone());
        }
        formatted.insert(name.clone(), text);
    }
    // Anything in the generated folders that the generator would not write (a service that left the registry).
    let mut stale = Vec::new();
    for (dir, keep) in [("src/l1", &[][..]), ("services", &["Cargo.lock", "target", "README.md"][..])] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let path = format!("{dir}/{name}");
                let generated = files.contains_key(&path) || files.keys().any(|f| f.starts_with(&format!("{path}/")));
                if !generated && !keep.contains(&name.as_str()) {
                    stale.push(path);
                }
            }
        }
    }
    stale.sort();
    if check {
        for f in &changed {
            eprintln!("out of date: {f}");
        }
        for f in &stale {
            eprintln!("not generated (would be removed): {f}");
        }
        if changed.is_empty() && stale.is_empty() {
            eprintln!("src/l1/ and services/ are up to date ({} files)", files.len());
            return Ok(true);
        }
        eprintln!("run `cargo run -p rcdk-codegen` to regenerate");
        return Ok(false);
    }
    for (name, text) in &formatted {
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for name in &stale {
        let path = root.join(name);
        let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
    }
    eprintln!(
        "wrote {} files to src/l1/ and services/ ({} changed, {} removed)",
        files.len(),
        changed.len(),
        stale.len()
    );
    Ok(true)
}

/// The manifest of one service crate: the generated module plus rcdk (without its L1 features: the crate needs
/// only the engine, and leaves rcdk's features to the program).
fn service_manifest(version: &str, package: &str, namespace: &str) -> String {
    format!(
        "# @generated by rcdk-codegen from CloudFormation registry schemas (cfn-lint {version}). Do not edit.\n\
         [package]\n\
         name = \"{package}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         rust-version = \"1.95\"\n\
         description = \"Typed CloudFormation L1 resources of {namespace} for rcdk\"\n\
         license = \"Apache-2.0\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         rcdk = {{ path = \"../..\", version = \"0.1.0\", default-features = false }}\n"
    )
}

/// `services/Cargo.toml`: the service crates are a workspace of their own, so the repository's `cargo test
/// --workspace` does not build ~300 crates; CI checks them all with `--manifest-path services/Cargo.toml`.
fn services_workspace(version: &str, members: &[String]) -> String {
    let mut out = format!(
        "# @generated by rcdk-codegen from CloudFormation registry schemas (cfn-lint {version}). Do not edit.\n\
         # One crate per CloudFormation service namespace outside rcdk's own L1 modules (see services/README.md).\n\
         [workspace]\n\
         resolver = \"3\"\n\
         members = [\n"
    );
    for m in members {
        let _ = writeln!(out, "    \"{m}\",");
    }
    out.push_str("]\n");
    out
}

/// The service module (and cargo feature) of a namespace: `EC2` → `ec2`, `ElasticLoadBalancingV2` →
/// `elasticloadbalancingv2`, `ASK` (of `Alexa::ASK`) → `ask`.
fn module_name(service: &str) -> String {
    let name: String = service.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) { format!("svc{name}") } else { name }
}

/// `Cargo.toml`'s `[features]` must have exactly one feature per service module (plus `default`, whose
/// entries must be service features); otherwise the error prints the section it should have.
fn check_features(manifest: &str, services: &BTreeSet<String>) -> Result<(), String> {
    let mut in_features = false;
    let mut declared = BTreeSet::new();
    let mut default_line = None;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_features = t == "[features]";
            continue;
        }
        if !in_features || t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((name, _)) = t.split_once('=') else { continue };
        let name = name.trim();
        if name == "default" {
            default_line = Some(t.to_string());
        } else {
            declared.insert(name.to_string());
        }
    }
    let defaults: BTreeSet<String> = default_line
        .as_deref()
        .and_then(|l| l.split_once('['))
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| {
            list.split(',').map(|x| x.trim().trim_matches('"').to_string()).filter(|x| !x.is_empty()).collect()
        })
        .unwrap_or_default();
    let bad_defaults: Vec<&String> = defaults.difference(services).collect();
    if &declared == services && bad_defaults.is_empty() {
        return Ok(());
    }
    let mut want = String::from("[features]\n");
    let _ = writeln!(
        want,
        "default = [{}]",
        defaults.intersection(services).map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
    );
    for s in services {
        let _ = writeln!(want, "{s} = []");
    }
    let missing: Vec<&String> = services.difference(&declared).collect();
    let extra: Vec<&String> = declared.difference(services).collect();
    Err(format!(
        "Cargo.toml must declare one feature per service module (missing: {missing:?}; not a service module: \
         {extra:?}; unknown in default: {bad_defaults:?}); expected:\n{want}"
    ))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn rustfmt(root: &Path, text: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
        .arg(root.join("rustfmt.toml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    child.stdin.take().expect("piped").write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("rustfmt failed: {}\n--- input ---\n{text}", String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------------------------
// Model

#[derive(Debug, Clone)]
enum Ty {
    /// `Val<String>`, `Val<i64>`, `Val<f64>`, `Val<bool>`
    Scalar(&'static str),
    /// `Val<Enum>`
    Enum(String),
    /// `SecretValue`
    Secret,
    /// `Val<Vec<T>>` of a scalar or enum
    List(Box<Ty>),
    /// `Val<Struct>`: a property struct, or any expression
    Struct(String),
    /// `Val<Vec<Struct>>`
    StructList(String),
    /// free-form `Value`
    Json,
    /// `Value`, because the schema's `$ref` (the string) points at nothing in the schema
    Dangling(String),
    /// the shared `Tag` (`rcdk::core::tag::Tag`) for the `{Key: string, Value: string}` tag shape
    Tag,
    /// `Val<Vec<Tag>>`
    TagList,
}

#[derive(Debug, Clone)]
struct Field {
    cfn: String,
    ident: String,
    ty: Ty,
    required: bool,
    doc: String,
}

#[derive(Debug)]
struct StructModel {
    fields: Vec<Field>,
    doc: String,
}

#[derive(Debug)]
struct EnumModel {
    values: Vec<String>,
    doc: String,
}

#[derive(Debug)]
struct Attr {
    ident: String,
    name: String,
    ty: &'static str,
    doc: String,
}

struct Model<'a> {
    type_name: String,
    struct_name: String,
    submodule: String,
    schema: &'a J,
    defs: BTreeMap<String, J>,
    def_names: BTreeMap<String, String>,
    taken: BTreeSet<String>,
    structs: BTreeMap<String, StructModel>,
    enums: BTreeMap<String, EnumModel>,
    queue: VecDeque<(String, String)>,
    /// Enum base names used by more than one distinct enum (named after their owner instead).
    collided: BTreeSet<String>,
    force_prefix: BTreeSet<String>,
    read_only_nested: BTreeSet<(String, String)>,
    fields: Vec<Field>,
    attrs: Vec<Attr>,
    /// The crate the type is generated into when it is not rcdk itself (`rcdk_ec2`): its GetAtt methods are then
    /// a trait's (an inherent `impl Handle<…>` is only allowed in the crate that defines `Handle`).
    crate_name: Option<String>,
}

impl<'a> Model<'a> {
    fn build(type_name: &str, schema: &'a J, force_prefix: BTreeSet<String>) -> Result<Model<'a>, String> {
        let last = type_name.rsplit("::").next().unwrap_or_default();
        let defs: BTreeMap<String, J> = schema
            .get("definitions")
            .and_then(J::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let mut m = Model {
            type_name: type_name.to_string(),
            struct_name: format!("Cfn{last}"),
            submodule: module_ident(last),
            schema,
            defs,
            def_names: BTreeMap::new(),
            taken: BTreeSet::new(),
            structs: BTreeMap::new(),
            enums: BTreeMap::new(),
            queue: VecDeque::new(),
            collided: BTreeSet::new(),
            force_prefix,
            read_only_nested: BTreeSet::new(),
            fields: Vec::new(),
            attrs: Vec::new(),
            crate_name: None,
        };
        // Struct names for object definitions, decided up front so inline enums cannot take them.
        let struct_defs: Vec<String> =
            m.defs.iter().filter(|(n, d)| is_struct(d) && !is_tag_shape(n, d)).map(|(n, _)| n.clone()).collect();
        for name in &struct_defs {
            {
                let rust = m.free_name(&pascal(name), "Property");
                m.def_names.insert(name.clone(), rust);
            }
        }
        let read_only: Vec<String> = str_list(schema.get("readOnlyProperties"));
        let top_read_only: BTreeSet<String> = read_only
            .iter()
            .filter_map(|p| p.strip_prefix("/properties/"))
            .filter(|p| !p.contains('/'))
            .map(str::to_string)
            .collect();
        for path in &read_only {
            let segs: Vec<&str> = path.trim_start_matches("/properties/").split('/').collect();
            if segs.len() > 1
                && let Some((owner, prop)) = m.nested_owner(&segs)
            {
                m.read_only_nested.insert((owner, prop));
            }
            // A path through a list (`A/*/B`) is no `Fn::GetAtt` attribute: nothing to address it with.
            if !segs.contains(&"*") {
                m.attrs.push(m.attr(&segs)?);
            }
        }
        let required = str_list(schema.get("required"));
        // A schema without `properties` (a few exist) is a resource with no settable properties.
        let empty = serde_json::Map::new();
        let props = schema.get("properties").and_then(J::as_object).unwrap_or(&empty);
        for (name, prop) in props {
            if top_read_only.contains(name) {
                continue;
            }
            let ty = m.resolve(prop, name, "", name, "", 0)?;
            m.fields.push(Field {
                cfn: name.clone(),
                ident: String::new(),
                ty,
                required: required.contains(name),
                doc: description(prop).unwrap_or_default(),
            });
        }
        m.fields.sort_by(|a, b| a.cfn.cmp(&b.cfn));
        assign_idents(&mut m.fields);
        let mut seen = BTreeSet::new();
        for a in &mut m.attrs {
            let base = a.ident.clone();
            let mut i = 2;
            while !seen.insert(a.ident.clone()) {
                a.ident = format!("{base}_{i}");
                i += 1;
            }
        }
        while let Some((def_name, rust)) = m.queue.pop_front() {
            let def = m.defs.get(&def_name).cloned().ok_or_else(|| format!("{type_name}: no definition {def_name}"))?;
            let sm = m.build_struct(&def_name, &rust, &def)?;
            m.structs.insert(rust, sm);
        }
        Ok(m)
    }

    /// The definition and property a nested read-only path `A/B/C` ends in.
    fn nested_owner(&self, segs: &[&str]) -> Option<(String, String)> {
        let mut node = self.schema.get("properties")?.get(segs[0])?;
        let mut owner = String::new();
        for seg in &segs[1..] {
            if let Some(r) = node.get("$ref").and_then(J::as_str) {
                owner = r.rsplit('/').next()?.to_string();
                node = self.defs.get(&owner)?;
            }
            let next = node.get("properties")?.get(*seg)?;
            if *seg == segs[segs.len() - 1] {
                return Some((owner, seg.to_string()));
            }
            node = next;
        }
        None
    }

    fn attr(&self, segs: &[&str]) -> Result<Attr, String> {
        let mut node = self.schema.get("properties").and_then(|p| p.get(segs[0]));
        for seg in &segs[1..] {
            if let Some(r) = node.and_then(|n| n.get("$ref")).and_then(J::as_str) {
                node = self.defs.get(r.rsplit('/').next().unwrap_or_default());
            }
            node = node.and_then(|n| n.get("properties")).and_then(|p| p.get(*seg));
        }
        if let Some(r) = node.and_then(|n| n.get("$ref")).and_then(J::as_str) {
            node = self.defs.get(r.rsplit('/').next().unwrap_or_default());
        }
        let ty = match node.and_then(|n| n.get("type")).and_then(J::as_str) {
            Some("string") => "Val<String>",
            Some("integer") => "Val<i64>",
            Some("number") => "Val<f64>",
            Some("boolean") => "Val<bool>",
            _ => "Value",
        };
        Ok(Attr {
            ident: format!("attr_{}", segs.iter().map(|s| snake(s)).collect::<Vec<_>>().join("_")),
            name: segs.join("."),
            ty,
            doc: node.and_then(description).unwrap_or_default(),
        })
    }

    fn build_struct(&mut self, def_name: &str, rust: &str, def: &J) -> Result<StructModel, String> {
        let required = str_list(def.get("required"));
        let mut fields = Vec::new();
        let props = def.get("properties").and_then(J::as_object).cloned().unwrap_or_default();
        for (name, prop) in &props {
            if self.read_only_nested.contains(&(def_name.to_string(), name.clone())) {
                continue;
            }
            let ty = self.resolve(prop, name, def_name, name, rust, 0)?;
            fields.push(Field {
                cfn: name.clone(),
                ident: String::new(),
                ty,
                required: required.contains(name),
                doc: description(prop).unwrap_or_default(),
            });
        }
        fields.sort_by(|a, b| a.cfn.cmp(&b.cfn));
        assign_idents(&mut fields);
        Ok(StructModel { fields, doc: description(def).unwrap_or_default() })
    }

    /// A type name not taken in this resource's submodule: `base`, else `base` + `suffix`, else numbered.
    fn free_name(&mut self, base: &str, suffix: &str) -> String {
        let mut candidates = vec![base.to_string(), format!("{base}{suffix}")];
        candidates.extend((2..).take(50).map(|i| format!("{base}{suffix}{i}")));
        let name = candidates
            .into_iter()
            .find(|c| !RESERVED.contains(&c.as_str()) && !self.taken.contains(c))
            .unwrap_or_else(|| format!("{base}{suffix}{}", self.taken.len()));
        self.taken.insert(name.clone());
        name
    }

    /// The Rust type of a property schema. `owner` is the definition holding the property (`""` for the
    /// resource), `hint` the name an inline enum or object would get, `owner_rust` the owner's Rust name.
    /// `depth` bounds `$ref` chains that never reach an object (a definition that is a list of itself).
    fn resolve(
        &mut self,
        prop: &J,
        prop_name: &str,
        owner: &str,
        hint: &str,
        owner_rust: &str,
        depth: usize,
    ) -> Result<Ty, String> {
        if SECRETS.iter().any(|(t, d, p)| *t == self.type_name && *d == owner && *p == prop_name) {
            return Ok(Ty::Secret);
        }
        if depth > 16 {
            return Ok(Ty::Json);
        }
        if let Some(r) = prop.get("$ref").and_then(J::as_str) {
            let target = r.strip_prefix("#/definitions/").filter(|t| !t.contains('/'));
            if let Some(target) = target
                && let Some(def) = self.defs.get(target).cloned()
            {
                if is_tag_shape(target, &def) || (is_tag_shape(prop_name, &def)) {
                    return Ok(Ty::Tag);
                }
                if let Some(rust) = self.def_names.get(target).cloned() {
                    if !self.structs.contains_key(&rust) && !self.queue.iter().any(|(_, r)| *r == rust) {
                        self.queue.push_back((target.to_string(), rust.clone()));
                    }
                    // Property types are held as `Val<Struct>` (a value), so recursive definitions need no `Box`.
                    return Ok(Ty::Struct(rust));
                }
                return self.resolve(&def, prop_name, owner, target, owner_rust, depth + 1);
            }
            // Any other JSON pointer into the schema (`#/properties/X`, `#/definitions/A/properties/B`).
            let pointer = r.strip_prefix('#').filter(|p| p.starts_with('/'));
            return match pointer.and_then(|p| self.schema.pointer(p)).cloned() {
                Some(node) => {
                    let hint = r.rsplit('/').next().unwrap_or(hint).to_string();
                    self.resolve(&node, prop_name, owner, &hint, owner_rust, depth + 1)
                }
                None => Ok(Ty::Dangling(r.to_string())),
            };
        }
        let types: Vec<&str> = match prop.get("type") {
            Some(J::String(s)) => vec![s.as_str()],
            Some(J::Array(a)) => a.iter().filter_map(J::as_str).collect(),
            _ => vec![],
        };
        if types.len() != 1 {
            return Ok(Ty::Json);
        }
        Ok(match types[0] {
            "string" => match prop.get("enum").and_then(J::as_array) {
                Some(values) if !values.is_empty() && values.iter().all(J::is_string) => {
                    let values: Vec<String> = values.iter().filter_map(J::as_str).map(str::to_string).collect();
                    Ty::Enum(self.register_enum(hint, owner_rust, values, description(prop).unwrap_or_default()))
                }
                _ => Ty::Scalar("String"),
            },
            "integer" => Ty::Scalar("i64"),
            "number" => Ty::Scalar("f64"),
            "boolean" => Ty::Scalar("bool"),
            "array" => {
                let Some(items) = prop.get("items") else { return Ok(Ty::Json) };
                match self.resolve(items, prop_name, owner, hint, owner_rust, depth + 1)? {
                    Ty::Struct(name) => Ty::StructList(name),
                    Ty::Tag => Ty::TagList,
                    t @ (Ty::Scalar(_) | Ty::Enum(_)) => Ty::List(Box::new(t)),
                    Ty::Dangling(r) => Ty::Dangling(r),
                    _ => Ty::Json,
                }
            }
            "object" if is_tag_shape(prop_name, prop) => Ty::Tag,
            "object" if is_struct(prop) => {
                // An inline object: becomes a definition of its own, named after the property.
                let synthetic = format!("{owner}/{hint}");
                if let Some(rust) = self.def_names.get(&synthetic) {
                    return Ok(Ty::Struct(rust.clone()));
                }
                let base = pascal(hint);
                let rust = if RESERVED.contains(&base.as_str()) || self.taken.contains(&base) {
                    self.free_name(&format!("{owner_rust}{base}"), "")
                } else {
                    self.free_name(&base, "")
                };
                self.defs.insert(synthetic.clone(), prop.clone());
                self.def_names.insert(synthetic.clone(), rust.clone());
                self.queue.push_back((synthetic, rust.clone()));
                Ty::Struct(rust)
            }
            _ => Ty::Json,
        })
    }

    fn register_enum(&mut self, hint: &str, owner_rust: &str, values: Vec<String>, doc: String) -> String {
        let base = pascal(hint);
        let mut candidates = vec![format!("{owner_rust}{base}")];
        if owner_rust.is_empty() || !self.force_prefix.contains(&base) {
            candidates.insert(0, base.clone());
        }
        candidates.extend((2..).take(500).map(|i| format!("{owner_rust}{base}{i}")));
        for name in candidates {
            if RESERVED.contains(&name.as_str()) {
                continue;
            }
            if let Some(existing) = self.enums.get(&name) {
                if existing.values == values {
                    return name;
                }
                self.collided.insert(base.clone());
                continue;
            }
            if self.taken.contains(&name) {
                self.collided.insert(base.clone());
                continue;
            }
            self.taken.insert(name.clone());
            self.enums.insert(name.clone(), EnumModel { values, doc });
            return name;
        }
        panic!("no free name for enum {hint} in {}", self.type_name)
    }

    // -----------------------------------------------------------------------------------------------------------
    // Rendering

    /// Writes the resource's own part to `out` and returns its submodule's property types and enums, each
    /// rendered on its own (the caller puts them into the submodule, or into the service's shared module).
    fn render(&self, out: &mut String, uses: &mut Uses) -> Vec<Item> {
        let sub = &self.submodule;
        let has_sub = !self.structs.is_empty() || !self.enums.is_empty();
        let prefix = if has_sub { format!("{sub}::") } else { String::new() };
        let name = &self.struct_name;
        uses.resource = true;

        // Resource struct.
        let schema_doc = description(self.schema).unwrap_or_default();
        let _ = writeln!(out, "/// The `{}` resource.", self.type_name);
        if !schema_doc.is_empty() {
            out.push_str("///\n");
            push_doc(out, &schema_doc, "");
        }
        let _ = writeln!(out, "///\n/// `Ref` returns {}.", self.ref_doc());
        if !self.attrs.is_empty() {
            let list: Vec<String> = self.attrs.iter().map(|a| format!("`{}` (`{}`)", a.name, a.ident)).collect();
            out.push_str("///\n");
            push_doc(
                out,
                &match &self.crate_name {
                    Some(_) => format!(
                        "Attributes (`Fn::GetAtt`, methods of the trait `{name}Attributes` on `Handle<{name}>`): {}.",
                        list.join(", ")
                    ),
                    None => {
                        format!("Attributes (`Fn::GetAtt`, typed methods on `Handle<{name}>`): {}.", list.join(", "))
                    }
                },
                "",
            );
        }
        self.render_struct(out, uses, name, &self.fields, &prefix, "", Some(&self.type_name));

        if !self.attrs.is_empty() {
            let trait_name = format!("{name}Attributes");
            if self.crate_name.is_some() {
                let _ = writeln!(
                    out,
                    "\n/// `Fn::GetAtt` attributes of [`{name}`]: typed methods on `Handle<{name}>`.\npub trait {trait_name} {{"
                );
            } else {
                let _ = writeln!(out, "\n/// `Fn::GetAtt` attributes of [`{name}`].\nimpl Handle<{name}> {{");
            }
            let mut methods = String::new();
            for a in &self.attrs {
                uses.note_ty(a.ty);
                let body = if a.ty == "Value" {
                    format!("self.get_att({:?})", a.name)
                } else {
                    format!("Val::expr(self.get_att({:?}))", a.name)
                };
                let sig = format!("fn {}(&self) -> {}", a.ident, a.ty);
                push_doc(out, &a.doc, "    ");
                if !a.doc.is_empty() {
                    out.push_str("    ///\n");
                }
                let _ = writeln!(out, "    /// `Fn::GetAtt` `{}`.", a.name);
                if self.crate_name.is_some() {
                    let _ = writeln!(out, "    {sig};");
                    let _ = writeln!(methods, "    #[inline]\n    {sig} {{\n        {body}\n    }}");
                } else {
                    let _ = writeln!(out, "    #[inline]\n    pub {sig} {{\n        {body}\n    }}");
                }
            }
            out.push_str("}\n");
            if self.crate_name.is_some() {
                let _ = writeln!(out, "\nimpl {trait_name} for Handle<{name}> {{\n{methods}}}");
            }
        }

        let mut items = Vec::new();
        for (rust, s) in &self.structs {
            let mut text = String::new();
            let mut item_uses = Uses::default();
            push_doc(&mut text, &s.doc, "");
            if s.doc.is_empty() {
                let _ = writeln!(text, "/// `{rust}` property type of {OWNER}.");
            }
            self.render_struct(&mut text, &mut item_uses, rust, &s.fields, "", rust, None);
            items.push(Item { name: rust.clone(), text, uses: item_uses });
        }
        for (rust, e) in &self.enums {
            let mut text = String::new();
            let mut item_uses = Uses::default();
            render_enum(&mut text, &mut item_uses, rust, e);
            items.push(Item { name: rust.clone(), text, uses: item_uses });
        }
        items
    }

    fn service_module(&self) -> String {
        module_name(self.type_name.split("::").nth(1).unwrap_or_default())
    }

    fn ref_doc(&self) -> String {
        if let Some((_, d)) = REF_EXCEPTIONS.iter().find(|(t, _)| *t == self.type_name) {
            return d.to_string();
        }
        let ids: Vec<String> = str_list(self.schema.get("primaryIdentifier"))
            .iter()
            .map(|p| format!("`{}`", p.trim_start_matches("/properties/")))
            .collect();
        if ids.is_empty() { "the physical id".into() } else { format!("the primary identifier ({})", ids.join(", ")) }
    }

    #[allow(clippy::too_many_arguments)]
    fn render_struct(
        &self,
        out: &mut String,
        uses: &mut Uses,
        name: &str,
        fields: &[Field],
        prefix: &str,
        _self_name: &str,
        type_name: Option<&str>,
    ) {
        let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
        let derive_default = required.is_empty();
        let _ = writeln!(
            out,
            "#[derive(Debug, Clone{})]\npub struct {name} {{",
            if derive_default { ", Default" } else { "" }
        );
        for f in fields {
            out.push('\n');
            push_field_doc(out, f, "    ");
            let ty = field_type(&f.ty, prefix, uses);
            if f.required {
                let _ = writeln!(out, "    pub {}: {ty},", f.ident);
            } else {
                let _ = writeln!(out, "    pub {}: Option<{ty}>,", f.ident);
            }
        }
        out.push_str("}\n\n");

        let _ = writeln!(out, "impl {name} {{");
        // new
        if required.is_empty() {
            let _ = writeln!(out, "    /// A new `{name}` with no properties set.");
        } else {
            let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.cfn)).collect();
            push_doc(out, &format!("A new `{name}` from its required properties ({}).", names.join(", ")), "    ");
        }
        if required.len() > 7 {
            out.push_str("    #[allow(clippy::too_many_arguments, reason = \"one argument per required property\")]\n");
        }
        // A required property type is taken as the struct itself (not `impl Into<Val<…>>`), so that leaving it
        // out reads "argument #n of type `S3DestinationConfiguration` is missing"; the public field still takes
        // an expression (`cfg.s3_configuration = Val::expr(…)`).
        let params: Vec<String> = required
            .iter()
            .map(|f| match &f.ty {
                Ty::Struct(s) => format!("{}: {prefix}{s}", f.ident),
                _ => format!("{}: {}", f.ident, param_type(&f.ty, prefix, uses)),
            })
            .collect();
        if required.is_empty() {
            let _ = writeln!(out, "    #[inline]\n    pub fn new() -> Self {{\n        Default::default()\n    }}");
        } else {
            let _ = writeln!(out, "    pub fn new({}) -> Self {{\n        Self {{", params.join(", "));
        }
        for f in fields.iter().filter(|_| !required.is_empty()) {
            if f.required {
                let conv = param_conv(&f.ty, &f.ident);
                if conv == f.ident {
                    let _ = writeln!(out, "            {},", f.ident);
                } else {
                    let _ = writeln!(out, "            {}: {conv},", f.ident);
                }
            } else {
                let _ = writeln!(out, "            {}: None,", f.ident);
            }
        }
        if !required.is_empty() {
            out.push_str("        }\n    }\n");
        }
        // Setters come from the `setters!` macro (src/l1/mod.rs): one line each, documented as "sets the field
        // `x`" (the field above carries the schema's documentation; repeating it would double the code).
        let setters: Vec<&Field> = fields.iter().filter(|f| !f.required && !matches!(f.ty, Ty::Secret)).collect();
        if !setters.is_empty() {
            out.push_str("\n    setters! {\n");
            for f in &setters {
                let _ = writeln!(out, "        {} {:?}: {};", f.ident, f.cfn, field_type(&f.ty, prefix, uses));
            }
            out.push_str("    }\n");
        }
        for f in fields.iter().filter(|f| !f.required && matches!(f.ty, Ty::Secret)) {
            let _ = writeln!(
                out,
                "\n    /// Sets the field `{0}` (CloudFormation `{1}`): a secret, so a `SecretValue`.\n    \
                 pub fn {0}(mut self, v: SecretValue) -> Self {{\n        self.{0} = Some(v);\n        self\n    }}",
                f.ident, f.cfn
            );
        }
        out.push_str("}\n\n");

        // Conversion.
        let body = {
            let mut b = String::from(if fields.is_empty() { "" } else { "        let mut m = Map::new();\n" });
            for f in fields {
                if f.required {
                    let _ = writeln!(b, "        m.insert({:?}.into(), self.{}.into_value());", f.cfn, f.ident);
                } else {
                    uses.put = true;
                    let _ = writeln!(b, "        put(&mut m, {:?}, self.{});", f.cfn, f.ident);
                }
            }
            b
        };
        uses.map = true;
        let ret = if fields.is_empty() { "Map::new()" } else { "m" };
        uses.into_value |= type_name.is_none() || !required.is_empty();
        if let Some(type_name) = type_name {
            let _ = writeln!(
                out,
                "impl crate::core::element::CfnResource for {name} {{\n    const TYPE_NAME: &'static str = {type_name:?};\n\n    \
                 #[inline]\n    fn into_properties(self) -> Map {{\n{body}        {ret}\n    }}\n}}"
            );
        } else {
            uses.value = true;
            let _ = writeln!(
                out,
                "impl IntoValue for {name} {{\n    #[inline]\n    fn into_value(self) -> Value {{\n{body}        Value::Map({ret})\n    }}\n}}\n\n\
                 property_type!({name});"
            );
        }
    }

    /// The service module's doc example (one per module, not one per resource: thousands of doctests would
    /// make `cargo test --all-features --doc` unusable): this resource added to a stack with placeholder values.
    fn module_example(&self) -> String {
        let mut out = String::from("//! # Example\n//!\n//! ```\n//! use rcdk::core::stack::{Stack, StackProps};\n");
        match &self.crate_name {
            Some(krate) => _ = writeln!(out, "//! use {krate}::*;"),
            None => _ = writeln!(out, "//! use rcdk::l1::{}::*;", self.service_module()),
        }
        out.push_str("//!\n//! let mut stack = Stack::new(\"Example\", StackProps::default()).unwrap();\n");
        let ctor = self.example_new(&self.fields, &self.struct_name, "", 0);
        let _ = writeln!(out, "//! let resource = stack.add_resource(\"Resource\", {ctor}).unwrap();");
        if let Some(a) = self.attrs.first() {
            let _ = writeln!(out, "//! let _attribute = resource.{}();", a.ident);
        }
        out.push_str("//! assert_eq!(stack.path(resource.node()), \"Example/Resource\");\n//! ```\n\n");
        out
    }

    /// A constructor call for the doc example, with placeholder values for required properties.
    fn example_new(&self, fields: &[Field], name: &str, path: &str, depth: usize) -> String {
        let args: Vec<String> =
            fields.iter().filter(|f| f.required).map(|f| self.example_value(&f.ty, depth)).collect();
        format!("{path}{name}::new({})", args.join(", "))
    }

    fn example_value(&self, ty: &Ty, depth: usize) -> String {
        let sub = format!("{}::", self.submodule);
        match ty {
            Ty::Scalar("String") => "\"example\"".into(),
            Ty::Scalar("i64") => "1".into(),
            Ty::Scalar("f64") => "1.0".into(),
            Ty::Scalar(_) => "true".into(),
            Ty::Enum(e) => format!("{sub}{e}::{}", variant_names(&self.enums[e].values)[0]),
            Ty::Secret => "rcdk::core::value::SecretValue::secrets_manager(\"example\", None)".into(),
            Ty::List(inner) => format!("vec![{}]", self.example_value(inner, depth)),
            Ty::Struct(s) if depth < 4 => self.example_new(&self.structs[s].fields, s, &sub, depth + 1),
            Ty::StructList(s) if depth < 4 => {
                format!("vec![{}]", self.example_new(&self.structs[s].fields, s, &sub, depth + 1))
            }
            Ty::Tag => "rcdk::core::tag::Tag::new(\"team\", \"data\")".into(),
            Ty::TagList => "vec![rcdk::core::tag::Tag::new(\"team\", \"data\")]".into(),
            Ty::Json | Ty::Dangling(_) | Ty::Struct(..) | Ty::StructList(_) => {
                "rcdk::core::value::Value::map([(\"Key\", \"value\")])".into()
            }
        }
    }
}

fn render_enum(out: &mut String, _uses: &mut Uses, name: &str, e: &EnumModel) {
    // The enum, `ALL`, `as_str`, `Display` and the conversions come from `cfn_enum!` (src/l1/mod.rs): one line
    // per variant here.
    let variants = variant_names(&e.values);
    out.push_str("cfn_enum! {\n");
    let mut doc = String::new();
    push_doc(&mut doc, &e.doc, "    ");
    out.push_str(&doc);
    let _ = writeln!(out, "    {name}[{}] {{", variants.len());
    for (v, value) in variants.iter().zip(&e.values) {
        let _ = writeln!(out, "        {v} = {value:?},");
    }
    out.push_str("    }\n}\n");
}

/// Stands for the owning resource type in a property type's fallback doc until the item is placed, so that
/// identical definitions of different resources render to identical text.
const OWNER: &str = "@OWNER@";

/// A property type or enum of a resource's submodule, rendered (with its `impl`s).
struct Item {
    name: String,
    text: String,
    uses: Uses,
}

/// The submodules of one service's resources: (submodule name, resource struct, type name, items).
type Submodules = Vec<(String, String, String, Vec<Item>)>;

/// Renders the resources' submodules. A property type or enum that several resources of the service define
/// identically (same name, same text, and every sibling it names shared with the same owners — QuickSight's
/// Analysis, Dashboard and Template share ~600) is written once, into a `shared` module, and re-exported by each
/// of those owners' submodules, so `analysis::Foo` and `dashboard::Foo` are one type, compiled once. Where the
/// owners disagree, the text most of them share is the shared one and the others keep their own.
fn render_submodules(subs: Submodules) -> String {
    // For each name, the text most owners share (ties: the first owner's); the owners that have exactly it.
    let mut variants: BTreeMap<&str, Vec<(&str, BTreeSet<usize>)>> = BTreeMap::new();
    for (o, (_, _, _, items)) in subs.iter().enumerate() {
        for item in items {
            let v = variants.entry(item.name.as_str()).or_default();
            match v.iter_mut().find(|(text, _)| *text == item.text) {
                Some((_, owners)) => _ = owners.insert(o),
                None => v.push((item.text.as_str(), BTreeSet::from([o]))),
            }
        }
    }
    let mut shared: BTreeMap<&str, (&str, BTreeSet<usize>)> = variants
        .into_iter()
        .filter_map(|(name, mut v)| {
            v.sort_by_key(|(_, owners)| (std::cmp::Reverse(owners.len()), owners.first().copied()));
            let (text, owners) = v.into_iter().next()?;
            (owners.len() > 1).then_some((name, (text, owners)))
        })
        .collect();
    // An owner can use the shared definition only if it also uses the shared definition of every sibling the
    // definition names; a definition left with fewer than two such owners stays in its owners' modules.
    let names: Vec<BTreeSet<&str>> =
        subs.iter().map(|(_, _, _, items)| items.iter().map(|i| i.name.as_str()).collect()).collect();
    loop {
        let mut next = shared.clone();
        for (name, (text, owners)) in &shared {
            let keep: BTreeSet<usize> = owners
                .iter()
                .copied()
                .filter(|&o| {
                    code_idents(text)
                        .filter(|id| id != name && names[o].contains(id))
                        .all(|id| shared.get(id).is_some_and(|(_, of_ref)| of_ref.contains(&o)))
                })
                .collect();
            if keep.len() > 1 {
                next.insert(name, (text, keep));
            } else {
                next.remove(name);
            }
        }
        if next == shared {
            break;
        }
        shared = next;
    }
    let mut module = String::from("shared");
    while subs.iter().any(|(sub, ..)| sub.trim_start_matches("r#") == module) {
        module.push_str("_types");
    }

    let mut out = String::new();
    for (o, (sub, struct_name, type_name, items)) in subs.iter().enumerate() {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n/// Property types and enums of [`{struct_name}`] (`{type_name}`).\npub mod {sub} {{");
        let mut uses = Uses::default();
        let mut body = String::new();
        let mut reexports = Vec::new();
        for item in items {
            if shared.get(item.name.as_str()).is_some_and(|(_, owners)| owners.contains(&o)) {
                reexports.push(item.name.as_str());
            } else {
                uses.merge(&item.uses);
                body.push('\n');
                body.push_str(&item.text.replace(OWNER, &format!("`{type_name}`")));
            }
        }
        out.push_str(&uses.header(false));
        reexports.sort_unstable();
        match reexports.as_slice() {
            [] => {}
            [one] => _ = writeln!(out, "pub use super::{module}::{one};"),
            many => _ = writeln!(out, "pub use super::{module}::{{{}}};", many.join(", ")),
        }
        out.push_str(&body);
        out.push_str("}\n");
    }
    if !shared.is_empty() {
        let _ = writeln!(
            out,
            "\n/// Property types and enums that several resources of this service define identically (defined once,\n\
             /// re-exported by each resource's module).\npub mod {module} {{"
        );
        let mut uses = Uses::default();
        let mut body = String::new();
        for (name, (text, owners)) in &shared {
            let o = *owners.first().expect("two owners or more");
            if let Some(item) = subs[o].3.iter().find(|i| i.name == *name) {
                uses.merge(&item.uses);
            }
            let owners: Vec<String> = owners.iter().map(|&o| format!("`{}`", subs[o].2)).collect();
            body.push('\n');
            body.push_str(&text.replace(OWNER, &owners.join(", ")));
        }
        out.push_str(&uses.header(false));
        out.push_str(&body);
        out.push_str("}\n");
    }
    out
}

/// The identifiers of the code lines of a rendered item (doc comments skipped).
fn code_idents(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("///"))
        .flat_map(|l| l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
}

#[derive(Default, Clone)]
struct Uses {
    resource: bool,
    handle: bool,
    val: bool,
    value: bool,
    map: bool,
    into_value: bool,
    secret: bool,
    put: bool,
}

impl Uses {
    fn merge(&mut self, other: &Uses) {
        self.resource |= other.resource;
        self.handle |= other.handle;
        self.val |= other.val;
        self.value |= other.value;
        self.map |= other.map;
        self.into_value |= other.into_value;
        self.secret |= other.secret;
        self.put |= other.put;
    }

    fn note_ty(&mut self, ty: &str) {
        if ty.contains("Val<") {
            self.val = true;
        }
        if ty.contains("Value") {
            self.value = true;
        }
        self.handle = true;
    }

    fn header(&self, top: bool) -> String {
        let mut out = String::new();
        if top {
            let mut el = vec![];

            if self.handle {
                el.push("Handle");
            }
            if !el.is_empty() {
                let _ = writeln!(out, "use crate::core::element::{{{}}};", el.join(", "));
            }
        }
        let mut v = vec![];
        for (on, name) in [
            (self.into_value, "IntoValue"),
            (self.map, "Map"),
            (self.secret, "SecretValue"),
            (self.val, "Val"),
            (self.value, "Value"),
        ] {
            if on {
                v.push(name);
            }
        }
        if !v.is_empty() {
            let _ = writeln!(out, "use crate::core::value::{{{}}};", v.join(", "));
        }
        if self.put {
            out.push_str("use crate::l1::put;\n");
        }
        out.push('\n');
        out
    }
}

fn base_type(ty: &Ty, prefix: &str) -> String {
    match ty {
        Ty::Scalar(s) => s.to_string(),
        Ty::Enum(e) => format!("{prefix}{e}"),
        _ => "Value".into(),
    }
}

fn field_type(ty: &Ty, prefix: &str, uses: &mut Uses) -> String {
    match ty {
        Ty::Scalar(_) | Ty::Enum(_) => {
            uses.val = true;
            format!("Val<{}>", base_type(ty, prefix))
        }
        Ty::Secret => {
            uses.secret = true;
            "SecretValue".into()
        }
        Ty::List(inner) => {
            uses.val = true;
            format!("Val<Vec<{}>>", base_type(inner, prefix))
        }
        Ty::Struct(s) => {
            uses.val = true;
            format!("Val<{prefix}{s}>")
        }
        Ty::StructList(s) => {
            uses.val = true;
            format!("Val<Vec<{prefix}{s}>>")
        }
        Ty::Json | Ty::Dangling(_) => {
            uses.value = true;
            "Value".into()
        }
        Ty::Tag => {
            uses.val = true;
            "Val<crate::core::tag::Tag>".into()
        }
        Ty::TagList => {
            uses.val = true;
            "Val<Vec<crate::core::tag::Tag>>".into()
        }
    }
}

fn param_type(ty: &Ty, prefix: &str, uses: &mut Uses) -> String {
    match ty {
        Ty::Secret => field_type(ty, prefix, uses),
        _ => format!("impl Into<{}>", field_type(ty, prefix, uses)),
    }
}

fn param_conv(ty: &Ty, v: &str) -> String {
    match ty {
        Ty::Secret => v.to_string(),
        _ => format!("{v}.into()"),
    }
}

fn push_field_doc(out: &mut String, f: &Field, indent: &str) {
    push_doc(out, &f.doc, indent);
    if !f.doc.is_empty() {
        let _ = writeln!(out, "{indent}///");
    }
    let note;
    let what = match &f.ty {
        Ty::Secret => " A secret: takes a `SecretValue` (a dynamic reference), never a plain string.",
        Ty::Dangling(r) => {
            note = format!(
                " Untyped: the schema's `$ref` `{}` points at nothing in the schema, so any `Value` is taken.",
                r.replace('`', "'")
            );
            &note
        }
        _ => "",
    };
    let _ =
        writeln!(out, "{indent}/// CloudFormation: `{}`{}.{what}", f.cfn, if f.required { " (required)" } else { "" });
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

fn is_struct(def: &J) -> bool {
    def.get("properties").and_then(J::as_object).is_some_and(|p| !p.is_empty())
        && def.get("type").and_then(J::as_str).is_none_or(|t| t == "object")
}

/// The standard tag shape, `{Key: string, Value: string}` and nothing else, under a name (definition or
/// property) that says it is a tag: such definitions become the shared `Tag`. (`{Key, Value}` pairs that are
/// not tags, like ELBv2's `LoadBalancerAttribute`, keep their own type.)
fn is_tag_shape(name: &str, def: &J) -> bool {
    let Some(props) = def.get("properties").and_then(J::as_object) else { return false };
    let plain_string = |p: Option<&J>| {
        p.is_some_and(|p| {
            p.get("type").and_then(J::as_str) == Some("string") && p.get("enum").is_none() && p.get("$ref").is_none()
        })
    };
    props.len() == 2
        && plain_string(props.get("Key"))
        && plain_string(props.get("Value"))
        && def.get("type").and_then(J::as_str).is_none_or(|t| t == "object")
        && name.to_ascii_lowercase().contains("tag")
}

/// Field idents for the (sorted) fields of one struct: snake case, keywords as raw identifiers, and a numbered
/// suffix where two CloudFormation names map to the same ident (`SSEEnabled` / `SseEnabled`).
fn assign_idents(fields: &mut [Field]) {
    let mut seen = BTreeSet::new();
    for f in fields.iter_mut() {
        let base = field_ident(&f.cfn);
        let mut ident = base.clone();
        let mut i = 2;
        while !seen.insert(ident.trim_start_matches("r#").to_string()) {
            ident = format!("{}_{i}", base.trim_start_matches("r#"));
            i += 1;
        }
        f.ident = ident;
    }
}

fn str_list(v: Option<&J>) -> Vec<String> {
    v.and_then(J::as_array).map(|a| a.iter().filter_map(J::as_str).map(str::to_string).collect()).unwrap_or_default()
}

fn description(v: &J) -> Option<String> {
    v.get("description").and_then(J::as_str).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `SnowflakeDestinationConfiguration` → `snowflake_destination_configuration`, `RoleARN` → `role_arn`,
/// `SizeInMBs` → `size_in_mbs`, `S3Configuration` → `s3_configuration`.
fn snake(name: &str) -> String {
    // Binary units read as one word.
    let name = name.replace("KiB", "Kib").replace("MiB", "Mib").replace("GiB", "Gib");
    let c: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for i in 0..c.len() {
        let ch = c[i];
        if !ch.is_ascii_alphanumeric() {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            continue;
        }
        if i > 0 && ch.is_ascii_uppercase() {
            let prev = c[i - 1];
            let next = c.get(i + 1).copied();
            let next_lower = next.is_some_and(|n| n.is_ascii_lowercase());
            // A plural acronym (`MBs`, `ARNs`): the `s` belongs to the acronym.
            let plural = next == Some('s') && c.get(i + 2).is_none_or(|n| !n.is_ascii_lowercase());
            let boundary = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower && !plural);
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.push(ch.to_ascii_lowercase());
    }
    out.trim_end_matches('_').to_string()
}

/// The submodule of a resource's property types: `DeliveryStream` → `delivery_stream`, `Type` → `r#type`.
fn module_ident(name: &str) -> String {
    let s = field_ident(name);
    if s == "new_" { "new".into() } else { s }
}

fn field_ident(name: &str) -> String {
    let mut s = snake(name);
    if s.is_empty() {
        s = "property".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "n_");
    }
    match s.as_str() {
        // Not allowed as raw identifiers (`Self` cannot appear: idents are lower case); `new` is the constructor.
        "self" | "super" | "crate" | "new" | "_" => format!("{s}_"),
        _ if RUST_KEYWORDS.contains(&s.as_str()) => format!("r#{s}"),
        _ => s,
    }
}

/// `ON_DEMAND` → `OnDemand`, `nodejs18.x` → `Nodejs18X`, `iso8601UTC` → `Iso8601UTC`.
fn pascal(value: &str) -> String {
    let mut out = String::new();
    for part in value.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let all_upper = part.chars().all(|c| !c.is_ascii_lowercase());
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if all_upper {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

fn variant_names(values: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    values
        .iter()
        .map(|v| {
            let base = pascal(v);
            let mut name = base.clone();
            let mut i = 2;
            while VARIANT_RESERVED.contains(&name.as_str()) || !seen.insert(name.clone()) {
                name = format!("{base}{i}");
                i += 1;
            }
            name
        })
        .collect()
}

/// Writes a schema description as rustdoc: paragraphs wrapped at 116 columns, with markdown that rustdoc would
/// misread (`[x]` intra-doc links, `<tag>` HTML, bare URLs, indented code blocks, list markers) escaped.
fn push_doc(out: &mut String, text: &str, indent: &str) {
    if text.trim().is_empty() {
        return;
    }
    let width = 116usize.saturating_sub(indent.len());
    let mut first = true;
    for para in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        if !first {
            let _ = writeln!(out, "{indent}///");
        }
        first = false;
        let escaped = escape_markdown(para);
        let mut line = String::new();
        for word in escaped.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                let _ = writeln!(out, "{indent}/// {line}");
                line.clear();
            }
            if line.is_empty() {
                line.push_str(&escape_line_start(word));
            } else {
                line.push(' ');
                line.push_str(word);
            }
        }
        if !line.is_empty() {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
}

/// A word that would start a list, heading, quote or table at the start of a line gets a backslash.
fn escape_line_start(word: &str) -> String {
    let starts_marker = word.starts_with(['-', '*', '+', '#', '>', '=', '|', '~', '_'])
        || (word.chars().next().is_some_and(|c| c.is_ascii_digit())
            && word.trim_start_matches(|c: char| c.is_ascii_digit()).starts_with(['.', ')']));
    if !starts_marker {
        return word.to_string();
    }
    match word.find(|c: char| !c.is_ascii_digit()) {
        Some(i) if i > 0 => format!("{}\\{}", &word[..i], &word[i..]),
        _ => format!("\\{word}"),
    }
}

fn escape_markdown(s: &str) -> String {
    let s = s.replace("```", "'''");
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            // A code span: a run of n backticks up to the next run of exactly n, copied verbatim.
            let n = chars[i..].iter().take_while(|&&x| x == '`').count();
            let mut j = i + n;
            let mut close = None;
            while j < chars.len() {
                if chars[j] == '`' {
                    let m = chars[j..].iter().take_while(|&&x| x == '`').count();
                    if m == n {
                        close = Some(j);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            match close {
                Some(j) => {
                    out.extend(&chars[i..j + n]);
                    i = j + n;
                }
                None => {
                    // Unbalanced: literal backticks.
                    (0..n).for_each(|_| out.push_str("\\`"));
                    i += n;
                }
            }
            continue;
        }
        // A markdown link `[text](url)`: kept as a link.
        if c == '['
            && let Some(close) = chars[i..].iter().position(|&x| x == ']').map(|p| p + i)
            && chars.get(close + 1) == Some(&'(')
            && let Some(end) = chars[close + 2..].iter().position(|&x| x == ')').map(|p| p + close + 2)
        {
            let text: String = chars[i + 1..close].iter().collect();
            let url: String = chars[close + 2..end].iter().collect();
            if !url.contains(char::is_whitespace) && !url.is_empty() && !text.contains('[') {
                let _ = write!(out, "[{}]({})", escape_plain(&text), url.replace('<', "%3C").replace('>', "%3E"));
                i = end + 1;
                continue;
            }
        }
        // A bare URL: wrapped in `<…>` so rustdoc links it.
        let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let mut end = i;
            while end < chars.len() && !chars[end].is_whitespace() && !matches!(chars[end], '<' | '>' | '"' | '`') {
                end += 1;
            }
            while end > i && matches!(chars[end - 1], '.' | ',' | ';' | ':' | ')' | ']' | '\'') {
                end -= 1;
            }
            let url: String = chars[i..end].iter().collect();
            let _ = write!(out, "<{}>", url.replace('[', "%5B").replace(']', "%5D"));
            i = end;
            continue;
        }
        out.push_str(&escape_plain(&c.to_string()));
        i += 1;
    }
    out
}

fn escape_plain(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn build(schema: &J) -> Model<'_> {
        Model::build("AWS::Test::Thing", schema, BTreeSet::new()).expect("the schema builds")
    }

    fn field<'m>(m: &'m Model<'_>, cfn: &str) -> &'m Field {
        m.fields.iter().find(|f| f.cfn == cfn).unwrap_or_else(|| panic!("no field {cfn}"))
    }

    #[test]
    fn dangling_ref_is_an_untyped_value_with_a_note_and_pointers_resolve() {
        let schema = json!({
            "typeName": "AWS::Test::Thing",
            "properties": {
                "Arn": {"type": "string"},
                "Gone": {"$ref": "#/properties/Missing"},
                "Also": {"$ref": "#/definitions/Nowhere"},
                "Same": {"$ref": "#/properties/Arn"}
            }
        });
        let m = build(&schema);
        assert!(matches!(&field(&m, "Gone").ty, Ty::Dangling(r) if r == "#/properties/Missing"));
        assert!(matches!(&field(&m, "Also").ty, Ty::Dangling(r) if r == "#/definitions/Nowhere"));
        assert!(matches!(field(&m, "Same").ty, Ty::Scalar("String")));
        let mut doc = String::new();
        push_field_doc(&mut doc, field(&m, "Gone"), "");
        assert!(doc.contains("`#/properties/Missing` points at nothing"), "{doc}");
    }

    #[test]
    fn keywords_become_raw_identifiers_and_duplicate_idents_are_numbered() {
        assert_eq!(module_ident("Type"), "r#type");
        assert_eq!(field_ident("Self"), "self_");
        assert_eq!(field_ident("New"), "new_");
        assert!(field_ident("3DSecure").starts_with("n_3"), "an identifier cannot start with a digit");
        let schema = json!({"typeName": "AWS::Test::Thing", "properties": {
            "SSEEnabled": {"type": "boolean"}, "SseEnabled": {"type": "boolean"}, "Type": {"type": "string"}}});
        let m = build(&schema);
        let idents: Vec<&str> = m.fields.iter().map(|f| f.ident.as_str()).collect();
        assert_eq!(idents, ["sse_enabled", "sse_enabled_2", "r#type"]);
    }

    #[test]
    fn tag_shaped_definitions_use_the_shared_tag_and_others_keep_their_type() {
        let kv = json!({"type": "object", "properties": {"Key": {"type": "string"}, "Value": {"type": "string"}},
                        "required": ["Key"]});
        let schema = json!({
            "typeName": "AWS::Test::Thing",
            "definitions": {"Tag": kv, "Attribute": kv},
            "properties": {
                "Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                "Attributes": {"type": "array", "items": {"$ref": "#/definitions/Attribute"}},
                "Label": {"$ref": "#/definitions/Tag"}
            }
        });
        let m = build(&schema);
        assert!(matches!(field(&m, "Tags").ty, Ty::TagList));
        assert!(matches!(field(&m, "Label").ty, Ty::Tag));
        assert!(matches!(&field(&m, "Attributes").ty, Ty::StructList(s) if s == "Attribute"));
        assert!(!m.structs.contains_key("Tag"), "no per-service Tag struct is generated");
    }

    #[test]
    fn colliding_and_reserved_names_get_suffixes() {
        let obj = |p: &str| json!({"type": "object", "properties": {p: {"type": "string"}}});
        let schema = json!({
            "typeName": "AWS::Test::Thing",
            "definitions": {"Tag": obj("Name"), "Foo_Bar": obj("A"), "FooBar": obj("B"), "Result": obj("C")},
            "properties": {
                "T": {"$ref": "#/definitions/Tag"}, "X": {"$ref": "#/definitions/Foo_Bar"},
                "Y": {"$ref": "#/definitions/FooBar"}, "R": {"$ref": "#/definitions/Result"}
            }
        });
        let m = build(&schema);
        let names: BTreeSet<&str> = m.structs.keys().map(String::as_str).collect();
        assert_eq!(names, BTreeSet::from(["FooBar", "FooBarProperty", "ResultProperty", "TagProperty"]));
    }

    #[test]
    fn schemas_without_properties_and_self_referencing_lists_build() {
        let schema = json!({"typeName": "AWS::Test::Thing"});
        assert!(build(&schema).fields.is_empty());
        let schema = json!({
            "typeName": "AWS::Test::Thing",
            "definitions": {"Loop": {"type": "array", "items": {"$ref": "#/definitions/Loop"}}},
            "properties": {"L": {"$ref": "#/definitions/Loop"}}
        });
        let m = build(&schema);
        assert!(matches!(field(&m, "L").ty, Ty::Json));
    }

    fn item(name: &str, text: &str) -> Item {
        Item {
            name: name.into(),
            text: format!("/// `{name}` of {OWNER}.\npub struct {name} {{ {text} }}\n"),
            uses: Uses::default(),
        }
    }

    #[test]
    fn identical_property_types_are_defined_once_and_re_exported_by_each_owner() {
        let subs = vec![
            (
                "a".into(),
                "CfnA".into(),
                "AWS::X::A".into(),
                vec![item("Foo", "bar: Bar"), item("Bar", ""), item("Baz", "q: Qux"), item("Qux", "x: i64")],
            ),
            (
                "b".into(),
                "CfnB".into(),
                "AWS::X::B".into(),
                vec![item("Foo", "bar: Bar"), item("Bar", ""), item("Baz", "q: Qux"), item("Qux", "y: i64")],
            ),
        ];
        let out = render_submodules(subs);
        // Foo and Bar are identical in both: defined once, in `shared`, named with both owners.
        assert_eq!(out.matches("pub struct Foo").count(), 1, "{out}");
        assert_eq!(out.matches("pub struct Bar").count(), 1, "{out}");
        assert!(out.contains("/// `Foo` of `AWS::X::A`, `AWS::X::B`."), "{out}");
        assert_eq!(out.matches("pub use super::shared::{Bar, Foo};").count(), 2, "{out}");
        // Qux differs, so Baz (identical, but naming Qux) stays in each owner's module too.
        assert_eq!(out.matches("pub struct Baz").count(), 2, "{out}");
        assert_eq!(out.matches("pub struct Qux").count(), 2, "{out}");
        assert!(out.contains("/// `Qux` of `AWS::X::A`.") && out.contains("/// `Qux` of `AWS::X::B`."), "{out}");
        let shared = out.split("pub mod shared {").nth(1).expect("a shared module");
        assert!(!shared.contains("Baz") && !shared.contains("Qux"), "{out}");
    }

    #[test]
    fn a_definition_is_shared_by_the_owners_that_agree_on_it_and_everything_it_names() {
        let subs = vec![
            ("a".into(), "CfnA".into(), "AWS::X::A".into(), vec![item("Foo", "bar: Bar"), item("Bar", "old: i64")]),
            ("b".into(), "CfnB".into(), "AWS::X::B".into(), vec![item("Foo", "bar: Bar"), item("Bar", "new: i64")]),
            ("c".into(), "CfnC".into(), "AWS::X::C".into(), vec![item("Foo", "bar: Bar"), item("Bar", "new: i64")]),
        ];
        let out = render_submodules(subs);
        // b and c agree on Bar, so they share Foo and Bar; a's Bar differs, so a keeps both (its Foo names its Bar).
        assert_eq!(out.matches("pub use super::shared::{Bar, Foo};").count(), 2, "{out}");
        let a = out.split("pub mod a {").nth(1).and_then(|r| r.split("pub mod b {").next()).expect("module a");
        assert!(a.contains("pub struct Foo") && a.contains("old: i64") && !a.contains("pub use"), "{out}");
        assert!(out.contains("/// `Bar` of `AWS::X::B`, `AWS::X::C`."), "{out}");
        assert_eq!(out.matches("pub struct Foo").count(), 2, "{out}");
        assert_eq!(out.matches("new: i64").count(), 1, "{out}");
    }

    #[test]
    fn the_shared_module_avoids_a_resource_submodule_of_the_same_name() {
        let subs = vec![
            ("shared".into(), "CfnShared".into(), "AWS::X::Shared".into(), vec![item("Foo", "")]),
            ("b".into(), "CfnB".into(), "AWS::X::B".into(), vec![item("Foo", "")]),
        ];
        let out = render_submodules(subs);
        assert!(out.contains("pub mod shared_types {") && out.contains("pub use super::shared_types::Foo;"), "{out}");
    }
}
