//! Lambda runtimes with their deprecation dates, for choosing the provider's runtime and for the
//! `RCDK-LAMBDA-RUNTIME` rule.
//!
//! Source: the AWS Lambda developer guide, "Lambda runtimes" (supported and deprecated runtime tables,
//! <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html>) and the Python runtime page
//! (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html>), cross-checked with
//! <https://endoflife.date/aws-lambda>. Dates as published in those tables, read 2026-12; update the
//! list (and [`LIST_CHECKED`]) when AWS publishes a new runtime.

/// When this list was last compared with the AWS page (year, month, day).
pub const LIST_CHECKED: (i32, u32, u32) = (2026, 12, 2);

/// One Lambda runtime and its support dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeSupport {
    /// The runtime identifier (`python3.14`).
    pub identifier: &'static str,
    /// Deprecation date (year, month, day): no more security patches after it.
    pub deprecation: (i32, u32, u32),
    /// Date after which functions using it can no longer be updated (year, month, day).
    pub block_function_update: (i32, u32, u32),
}

const fn rt(identifier: &'static str, deprecation: (i32, u32, u32), block: (i32, u32, u32)) -> RuntimeSupport {
    RuntimeSupport { identifier, deprecation, block_function_update: block }
}

/// Python runtimes, newest first.
pub const PYTHON: &[RuntimeSupport] = &[
    rt("python3.14", (2029, 6, 30), (2029, 8, 31)),
    rt("python3.13", (2029, 6, 30), (2029, 8, 31)),
    rt("python3.12", (2028, 10, 31), (2029, 1, 10)),
    rt("python3.11", (2026, 6, 30), (2026, 8, 31)),
    rt("python3.10", (2026, 6, 30), (2026, 8, 31)),
    rt("python3.9", (2025, 12, 15), (2026, 2, 28)),
    rt("python3.8", (2024, 10, 14), (2025, 3, 31)),
    rt("python3.7", (2023, 12, 4), (2024, 2, 28)),
    rt("python3.6", (2022, 7, 18), (2022, 8, 29)),
    rt("python2.7", (2021, 7, 15), (2022, 5, 30)),
];

/// Node.js runtimes, newest first.
pub const NODEJS: &[RuntimeSupport] = &[
    rt("nodejs24.x", (2028, 4, 30), (2028, 7, 1)),
    rt("nodejs22.x", (2027, 4, 30), (2027, 7, 1)),
    rt("nodejs20.x", (2026, 4, 30), (2026, 7, 1)),
    rt("nodejs18.x", (2025, 9, 1), (2026, 3, 9)),
    rt("nodejs16.x", (2024, 6, 12), (2025, 3, 9)),
    rt("nodejs14.x", (2023, 12, 4), (2024, 2, 9)),
];

/// A deprecation warning starts this many days before the deprecation date.
pub const WARN_DAYS_BEFORE: i64 = 180;

/// The newest Python runtime AWS supports (the first of [`PYTHON`]), which the custom-resource
/// provider uses.
///
/// ```
/// assert_eq!(rcdk::security::runtimes::newest_python().identifier, "python3.14");
/// ```
pub fn newest_python() -> &'static RuntimeSupport {
    &PYTHON[0]
}

/// The support entry of a runtime identifier, if listed.
pub fn find(identifier: &str) -> Option<&'static RuntimeSupport> {
    PYTHON.iter().chain(NODEJS).find(|r| r.identifier == identifier)
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil((y, m, d): (i32, u32, u32)) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Today, in days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() / 86_400) as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_match_known_dates() {
        assert_eq!(days_from_civil((1970, 1, 1)), 0);
        assert_eq!(days_from_civil((2000, 3, 1)), 11_017);
        assert_eq!(days_from_civil((2026, 12, 2)) - days_from_civil((2025, 12, 2)), 365);
    }

    #[test]
    fn lists_are_newest_first_and_dates_ordered() {
        for list in [PYTHON, NODEJS] {
            for pair in list.windows(2) {
                assert!(pair[0].deprecation >= pair[1].deprecation, "{pair:?}");
            }
            for r in list {
                assert!(r.block_function_update > r.deprecation, "{r:?}");
            }
        }
        let newest = newest_python();
        assert!(PYTHON.iter().all(|r| r.deprecation <= newest.deprecation));
    }
}
