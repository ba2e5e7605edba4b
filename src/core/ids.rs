//! Construct ids and CloudFormation logical IDs, computed exactly as AWS CDK v2 does.
//!
//! Keeping CDK's algorithm means a stack ported from CDK keeps its logical IDs, so CloudFormation
//! updates resources in place instead of replacing them (a replaced stream or key loses data).

use md5::{Digest, Md5};

/// The construct id CDK drops from logical IDs (`Stack/Default/X` is named like `Stack/X`).
pub const DEFAULT_CHILD_ID: &str = "Default";
/// The construct id an L2 construct gives its CloudFormation resource.
pub const RESOURCE_CHILD_ID: &str = "Resource";
/// CloudFormation's limit on the length of a logical ID.
pub const MAX_LOGICAL_ID_LEN: usize = 255;
const MAX_READABLE_LEN: usize = 240;
const HASH_LEN: usize = 8;

/// Why a construct id or a path cannot become a logical ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// A construct id was the empty string.
    #[error("construct id must not be empty")]
    Empty,
    /// A construct id contained the path separator.
    #[error("construct id {0:?} must not contain '/' (it separates path components)")]
    ContainsSlash(String),
    /// Only `Default` components were left, so there is nothing to name the resource by.
    #[error("path {0:?} has no component other than \"Default\" to build a logical ID from")]
    NothingLeft(String),
    /// A single-component ID longer than CloudFormation allows.
    #[error("logical ID {0:?} is longer than 255 characters")]
    TooLong(String),
    /// A single-component ID with no alphanumeric character left.
    #[error("logical ID computed from {0:?} has no alphanumeric characters")]
    NotAlphanumeric(String),
}

/// Checks that `id` can be a construct id: not empty and without `/`.
///
/// ```
/// assert!(rcdk::core::ids::validate_construct_id("Stream").is_ok());
/// assert!(rcdk::core::ids::validate_construct_id("a/b").is_err());
/// ```
pub fn validate_construct_id(id: &str) -> Result<(), IdError> {
    if id.is_empty() {
        return Err(IdError::Empty);
    }
    if id.contains('/') {
        return Err(IdError::ContainsSlash(id.to_string()));
    }
    Ok(())
}

/// The logical ID AWS CDK v2 gives the resource at `path` (construct ids below the stack).
///
/// ```
/// assert_eq!(rcdk::logical_id(&["Role", "DefaultPolicy", "Resource"]).unwrap(), "RoleDefaultPolicy5FFB7DAB");
/// assert_eq!(rcdk::logical_id(&["DeliveryStream"]).unwrap(), "DeliveryStream");
/// ```
pub fn logical_id(path: &[&str]) -> Result<String, IdError> {
    for id in path {
        validate_construct_id(id)?;
    }
    let components = || path.iter().copied().filter(|c| *c != DEFAULT_CHILD_ID);
    let mut rest = components();
    match (rest.next(), rest.next()) {
        (None, _) => Err(IdError::NothingLeft(path.join("/"))),
        (Some(only), None) => {
            let id = alphanumeric(only);
            if id.is_empty() {
                Err(IdError::NotAlphanumeric(only.to_string()))
            } else if id.len() > MAX_LOGICAL_ID_LEN {
                Err(IdError::TooLong(id))
            } else {
                Ok(id)
            }
        }
        _ => {
            // One string: the readable part, cut at its maximum, then the hash.
            let mut id =
                String::with_capacity(path.iter().map(|c| c.len()).sum::<usize>().min(MAX_READABLE_LEN) + HASH_LEN);
            push_readable_part(&mut id, components());
            id.truncate(MAX_READABLE_LEN);
            push_path_hash(&mut id, components());
            Ok(id)
        }
    }
}

/// First 8 hex digits (upper case) of the MD5 of the components joined with `/`.
fn push_path_hash<'c>(out: &mut String, components: impl Iterator<Item = &'c str>) {
    let mut md5 = Md5::new();
    for (i, component) in components.enumerate() {
        if i > 0 {
            md5.update(b"/");
        }
        md5.update(component.as_bytes());
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in md5.finalize().iter().take(HASH_LEN / 2) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xF)]));
    }
}

fn push_readable_part<'c>(out: &mut String, components: impl Iterator<Item = &'c str>) {
    let mut last_kept: Option<&str> = None;
    for component in components {
        // CDK skips a component the previous kept one already ends with ("Bucket/Bucket" reads once).
        if last_kept.is_some_and(|prev| prev.ends_with(component)) {
            continue;
        }
        if component == RESOURCE_CHILD_ID {
            continue;
        }
        last_kept = Some(component);
        out.extend(component.chars().filter(char::is_ascii_alphanumeric));
    }
}

fn alphanumeric(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The physical name AWS CDK generates for a resource used from another environment
/// (`generatePhysicalName` in aws-cdk-lib `core/lib/private/physical-name-generator.ts`): the first
/// 25 characters of the stack name, the last 24 of the construct's unique id (its path from the
/// stack, as [`logical_id`] computes it), and the first 12 hex digits of the SHA-256 of the stack
/// name, the unique id, the region and the account, all lower case. Deterministic: the same
/// stack, path and environment always give the same name.
///
/// ```
/// let name = rcdk::core::ids::generated_physical_name("IngestStack", &["IngestStack", "Stream"], "eu-west-1", "111111111111").unwrap();
/// // Independently: "IngestStack"[..25] + "IngestStackStream45A6BED4"[-24..] + sha256(...)[..12],
/// // computed with Python's hashlib.
/// assert_eq!(name, "ingeststackngeststackstream45a6bed46845a339ae6f");
/// ```
pub fn generated_physical_name(
    stack_name: &str,
    path_from_stack: &[&str],
    region: &str,
    account: &str,
) -> Result<String, IdError> {
    use sha2::Digest;
    let unique_id = logical_id(path_from_stack)?;
    let prefix: String = stack_name.chars().take(25).collect();
    let chars: Vec<char> = unique_id.chars().collect();
    let suffix: String = chars[chars.len().saturating_sub(24)..].iter().collect();
    let mut sha = sha2::Sha256::new();
    sha.update(stack_name.as_bytes());
    sha.update(unique_id.as_bytes());
    sha.update(region.as_bytes());
    sha.update(account.as_bytes());
    let hash: String = sha.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{prefix}{suffix}{}", &hash[..12]).to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors computed by AWS CDK 2.276.0 (shared/reference/logical-ids.md).
    #[test]
    fn matches_cdk_vectors() {
        let vectors = [
            ("Key/Resource", "Key961B73FD"),
            ("Stream/Resource", "Stream790BDEE4"),
            ("Role/Resource", "Role1ABCC5F0"),
            ("Role/DefaultPolicy/Resource", "RoleDefaultPolicy5FFB7DAB"),
            ("DeliveryStream", "DeliveryStream"),
            ("MyBucket/Resource", "MyBucketF68F3FF0"),
            ("MyFunction/ServiceRole/DefaultPolicy/Resource", "MyFunctionServiceRoleDefaultPolicyB705ABD4"),
            ("MyKey/Resource", "MyKey6AB29FA6"),
            ("Default/X", "X"),
            ("A-B/c_d/Resource", "ABcd690A1A89"),
        ];
        for (path, expected) in vectors {
            let parts: Vec<&str> = path.split('/').collect();
            assert_eq!(logical_id(&parts).unwrap(), expected, "path {path}");
        }
    }

    #[test]
    fn export_name_vector() {
        let id = logical_id(&["Exports", r#"Output{"Fn::GetAtt":["MyKey6AB29FA6","Arn"]}"#]).unwrap();
        assert_eq!(format!("KeyStack:{id}"), "KeyStack:ExportsOutputFnGetAttMyKey6AB29FA6Arn4FA82736");
    }

    #[test]
    fn rejects_bad_paths() {
        assert_eq!(logical_id(&[]), Err(IdError::NothingLeft(String::new())));
        assert_eq!(logical_id(&["Default"]), Err(IdError::NothingLeft("Default".into())));
        assert_eq!(logical_id(&["a/b"]), Err(IdError::ContainsSlash("a/b".into())));
        assert_eq!(logical_id(&[""]), Err(IdError::Empty));
        assert_eq!(logical_id(&["--"]), Err(IdError::NotAlphanumeric("--".into())));
        let long = "x".repeat(256);
        assert!(matches!(logical_id(&[long.as_str()]), Err(IdError::TooLong(_))));
    }

    #[test]
    fn long_paths_are_cut_to_240_plus_hash() {
        let long = "A".repeat(300);
        let id = logical_id(&[long.as_str(), "Resource"]).unwrap();
        assert_eq!(id.len(), 248);
        assert!(id.starts_with(&"A".repeat(240)));
    }

    #[test]
    fn suffix_components_read_once() {
        // "Bucket" is skipped in the readable part because "MyBucket" ends with it; it stays in the hash.
        let id = logical_id(&["MyBucket", "Bucket"]).unwrap();
        assert!(id.starts_with("MyBucket") && id.len() == "MyBucket".len() + 8, "{id}");
        assert_ne!(id, logical_id(&["MyBucket", "Other"]).unwrap());
    }
}
