//! Lessons from `static/lessons/*.toml` (or `--lessons DIR`), served at `/api/lessons`.
//!
//! A lecturer adds a lesson by dropping a file into the folder: the folder is read again for
//! every request, so no rebuild and no restart is needed. A file that doesn't parse or doesn't
//! check is reported with its name and the place of the error (in the log at startup, and in the
//! `problems` list the page shows), while every other lesson still loads.

use std::path::Path;

use axum::Json;
use axum::extract::State;
use socklab_shared::lesson::{Lesson, LessonProblem, LessonSet};

use crate::app::AppState;

/// Reads every `*.toml` in `dir`. Never fails as a whole: problems are part of the answer.
pub fn load_dir(dir: &Path) -> LessonSet {
    let mut set = LessonSet::default();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            set.problems.push(LessonProblem {
                file: dir.display().to_string(),
                message: format!("cannot read the lessons folder: {e}. Start socklab with --lessons pointing at it"),
            });
            return set;
        }
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for path in files {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the file: {e}"))
            .and_then(|text| Lesson::from_toml(&text).map_err(|e| e.to_string()));
        match parsed {
            Ok(lesson) if set.lessons.iter().any(|l| l.slug == lesson.slug) => {
                set.problems.push(LessonProblem {
                    file,
                    message: format!(
                        "another lesson already uses the slug {:?}; slugs must be unique",
                        lesson.slug
                    ),
                })
            }
            Ok(lesson) => set.lessons.push(lesson),
            Err(message) => set.problems.push(LessonProblem { file, message }),
        }
    }
    set.lessons
        .sort_by(|a, b| (a.number, &a.slug).cmp(&(b.number, &b.slug)));
    set
}

/// Logs what loaded and every problem (called once at startup).
pub fn report(dir: &Path) {
    let set = load_dir(dir);
    for p in &set.problems {
        tracing::error!("lesson {} not loaded: {}", p.file, p.message);
    }
    tracing::info!(
        loaded = set.lessons.len(),
        problems = set.problems.len(),
        "lessons from {}",
        dir.display()
    );
}

/// `GET /api/lessons`.
pub async fn serve(State(state): State<AppState>) -> Json<LessonSet> {
    let dir = state.config.lessons.clone();
    let set = tokio::task::spawn_blocking(move || load_dir(&dir))
        .await
        .unwrap_or_default();
    Json(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_file_is_reported_and_the_others_load() {
        let dir = std::env::temp_dir().join(format!("socklab-lessons-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = r#"
number = 1
slug = "hello"
title = { en = "Hello", zh = "你好" }
goal = { en = "g", zh = "g" }
[[steps]]
say = { en = "s", zh = "s" }
run = [{ cmd = "tcp_listen", port = 0, as = "srv" }]
"#;
        std::fs::write(dir.join("01-hello.toml"), good).unwrap();
        std::fs::write(
            dir.join("02-broken.toml"),
            good.replace("number = 1", "number = one"),
        )
        .unwrap();
        std::fs::write(
            dir.join("03-dup.toml"),
            good.replace("number = 1", "number = 3"),
        )
        .unwrap();
        std::fs::write(dir.join("notes.txt"), "not a lesson").unwrap();
        let set = load_dir(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(set.lessons.len(), 1);
        assert_eq!(set.problems.len(), 2);
        assert_eq!(set.problems[0].file, "02-broken.toml");
        assert!(
            set.problems[0].message.starts_with("line 2, column"),
            "{}",
            set.problems[0].message
        );
        assert!(
            set.problems[1].message.contains("slug"),
            "{}",
            set.problems[1].message
        );
    }

    #[test]
    fn a_missing_folder_is_a_problem_not_a_crash() {
        let set = load_dir(Path::new("/nonexistent/socklab/lessons"));
        assert!(set.lessons.is_empty());
        assert!(set.problems[0].message.contains("--lessons"));
    }
}
