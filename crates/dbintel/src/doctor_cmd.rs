//! `dbintel doctor`: checks every configured PostgreSQL and MySQL/MariaDB target and prints what
//! is missing, with the fix.

use std::process::ExitCode;

use dbintel_core::ComponentKind;

/// Exit 0 when no required check failed (advice and undecided checks may remain), 1 when any
/// failed, 2 when the config is invalid.
pub fn run(configs: &crate::ConfigArgs, json: bool) -> ExitCode {
    let cfg = match crate::load(configs) {
        Ok(cfg) => cfg,
        Err(problems) => {
            eprintln!("dbintel doctor: the configuration is invalid:\n{problems}");
            return ExitCode::from(2);
        }
    };
    let registry = crate::components::registry();
    let targets: Vec<_> = cfg
        .receivers
        .iter()
        .filter(|(id, _)| {
            registry
                .get(ComponentKind::Receiver, id.type_name())
                .is_some_and(|f| matches!(f.info().type_name, "postgresql" | "mysql"))
        })
        .collect();
    if targets.is_empty() {
        eprintln!("dbintel doctor: no postgresql or mysql receiver in the configuration; nothing to check.");
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dbintel doctor: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    // Targets, messages and fixes may quote values from `${env:..}`/`${file:..}` placeholders.
    let hide = |text: &str| cfg.redactor.redact_values(text);
    let mut failed = 0usize;
    let mut advice = 0usize;
    let mut unknown = 0usize;
    for (id, section) in targets {
        let mysql = registry
            .get(ComponentKind::Receiver, id.type_name())
            .is_some_and(|f| f.info().type_name == "mysql");
        let findings: Vec<Row> = if mysql {
            runtime.block_on(dbintel_mysql::diagnose::doctor(section)).into_iter().map(Row::from).collect()
        } else {
            runtime.block_on(dbintel_postgresql::doctor(section)).into_iter().map(Row::from).collect()
        };
        if !json {
            let target = findings.first().map(|f| f.target.as_str()).unwrap_or("");
            println!("{}", hide(&format!("receivers.{id} ({target})")));
        }
        for f in &findings {
            if f.unknown {
                unknown += 1;
            } else if !f.ok && f.advisory {
                advice += 1;
            } else if !f.ok {
                failed += 1;
            }
            if json {
                let mut v = f.json.clone();
                if let serde_json::Value::Object(m) = &mut v {
                    m.insert("receiver".into(), serde_json::Value::String(id.to_string()));
                }
                println!("{}", hide(&v.to_string()));
            } else {
                let mark = match (f.ok, f.advisory, f.unknown) {
                    (_, _, true) => "??? ",
                    (true, _, _) => "ok  ",
                    (false, true, _) => "WARN",
                    (false, false, _) => "FAIL",
                };
                println!("{}", hide(&format!("  [{mark}] {}: {}", f.check, f.message)));
                if let Some(fix) = f.fix.as_deref().filter(|_| !f.ok) {
                    println!("{}", hide(&format!("         fix: {fix}")));
                }
            }
        }
    }
    if !json && unknown > 0 {
        println!(
            "{unknown} check(s) could not be decided (???): the monitoring role may not read what they need; \
             the grant above reveals it."
        );
    }
    if failed == 0 {
        if !json {
            if unknown == 0 {
                println!("Everything dbintel needs is in place.");
            } else {
                println!("Nothing failed, but not everything could be checked.");
            }
            if advice > 0 {
                println!("{advice} recommendation(s) above (WARN) would improve what dbintel sees.");
            }
        }
        ExitCode::SUCCESS
    } else {
        if !json {
            println!("{failed} check(s) failed; apply the fixes above and run `dbintel doctor` again.");
        }
        ExitCode::from(1)
    }
}

/// One finding of either receiver's doctor, as printed.
struct Row {
    target: String,
    check: String,
    ok: bool,
    message: String,
    fix: Option<String>,
    advisory: bool,
    unknown: bool,
    /// The finding as the receiver serializes it (`--json`).
    json: serde_json::Value,
}

impl From<dbintel_postgresql::diagnose::Finding> for Row {
    fn from(f: dbintel_postgresql::diagnose::Finding) -> Self {
        let json = serde_json::to_value(&f).unwrap_or_default();
        Row {
            target: f.target,
            check: f.check,
            ok: f.ok,
            message: f.message,
            fix: f.fix,
            advisory: f.advisory,
            unknown: f.unknown,
            json,
        }
    }
}

impl From<dbintel_mysql::diagnose::Finding> for Row {
    fn from(f: dbintel_mysql::diagnose::Finding) -> Self {
        let json = serde_json::to_value(&f).unwrap_or_default();
        Row {
            target: f.target,
            check: f.check,
            ok: f.ok,
            message: f.message,
            fix: f.fix,
            advisory: f.advisory,
            unknown: f.unknown,
            json,
        }
    }
}
