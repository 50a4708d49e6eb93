//! The lesson player's controls (the narration itself comes in both languages with each
//! lesson file).

use super::texts;

texts! {
    /// The lesson bar.
    pub struct LessonText {
        choose: "Choose a lesson…" => "选择一节课…",
        prev: "◀ previous" => "◀ 上一步",
        next: "next ▶" => "下一步 ▶",
        run_all: "run to the end" => "运行到最后",
        reset: "reset" => "重新开始",
        reload: "reload lessons" => "重新加载课程",
        step: "step {0} of {1}" => "第 {0} 步，共 {1} 步",
        ready: "ready · {0} steps" => "准备就绪 · 共 {0} 步",
        failed: "this step failed: " => "这一步失败了：",
        problems: "{0} lesson file(s) could not be loaded" => "有 {0} 个课程文件无法加载",
        server_answered: "the server answered {0} to /api/lessons: " => "服务器对 /api/lessons 的回答是 {0}：",
        bad_list: "bad lesson list: " => "课程列表有误：",
    }
}
