//! `kms-gen plan`: the key layout, as a table or as JSON with every policy.

use std::io;

use serde::Serialize;

use super::{Exit, analyze, print, report};
use crate::cli::{PlanArgs, PlanFormat};
use crate::plan::{Key, Plan};

pub fn run(args: &PlanArgs) -> io::Result<Exit> {
    let analysis = match analyze(&args.spec.file) {
        Ok(a) => a,
        Err(exit) => return Ok(exit),
    };
    report(&analysis.source, &analysis.diagnostics);
    let (Some(plan), false) = (&analysis.plan, analysis.has_errors()) else {
        anstream::eprintln!(
            "{}",
            super::summary(&analysis.source.name(), &analysis.diagnostics)
        );
        return Ok(Exit::Failure);
    };
    match args.format {
        PlanFormat::Table => print(&table(plan)),
        PlanFormat::Json => print(&json(plan)),
    }
}

/// One row per key (replicas on their own row), columns padded to fit.
pub fn table(plan: &Plan) -> String {
    let header = [
        "ENV",
        "KEY",
        "ALIAS",
        "WORKLOADS",
        "CLASSES",
        "SERVICES",
        "ROTATION",
        "REGION",
        "ADMINS",
        "USERS",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(",")
        }
    };
    for env in &plan.environments {
        for key in &env.keys {
            let services: Vec<String> = key.services.iter().map(|s| s.to_string()).collect();
            let rotation = match key.rotation_days {
                Some(d) => format!("{d}d"),
                None if key.rotation_supported => "off".to_string(),
                None => "n/a".to_string(),
            };
            let row = |id: String, region: &str| {
                vec![
                    env.name.clone(),
                    id,
                    key.alias.clone(),
                    list(&key.workloads),
                    list(&key.data_classes),
                    list(&services),
                    rotation.clone(),
                    region.to_string(),
                    list(&key.admins),
                    list(&key.users),
                ]
            };
            rows.push(row(key.id.clone(), &env.region));
            if let Some(r) = &key.replica {
                rows.push(row(format!("{} (replica)", key.id), &r.region));
            }
        }
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    keys: Vec<JsonKey<'a>>,
}

#[derive(Serialize)]
struct JsonKey<'a> {
    environment: &'a str,
    account: &'a str,
    region: &'a str,
    #[serde(flatten)]
    key: &'a Key,
}

/// Every key, flat, with its environment and its full policy documents.
pub fn json(plan: &Plan) -> String {
    let keys = plan
        .environments
        .iter()
        .flat_map(|env| {
            env.keys.iter().map(move |key| JsonKey {
                environment: &env.name,
                account: &env.account,
                region: &env.region,
                key,
            })
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&JsonPlan { keys }).expect("the plan always serializes");
    text.push('\n');
    text
}
