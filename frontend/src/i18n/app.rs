//! The page's frame: the top bar (connection, follow mode, recordings), the token and
//! lab-full notices, the banner of the past.

use super::texts;

texts! {
    /// The top bar and the notices around the workbench.
    pub struct AppText {
        tagline: "real sockets, made visible" => "真实的套接字，看得见",
        large_text: "larger text (for the back of the room)" => "放大文字（照顾后排同学）",
        lang_switch: "switch the page's language" => "切换页面语言",
        stage: "stage" => "投影布局",
        stage_title: "projector layout: the lesson, the cards and the timeline on one screen"
            => "投影布局：课程、卡片和时间线同屏显示",
        hint: "Every socket here is a real kernel socket on this machine; every byte you see went through the kernel. Colours show which send() each byte came from."
            => "这里的每个套接字都是本机内核中真实的套接字，看到的每个字节都经过了内核。颜色表示每个字节来自哪一次 send()。",
        connecting: "connecting" => "正在连接",
        connected: "connected" => "已连接",
        disconnected: "disconnected" => "已断开",
        reconnecting: "reconnecting…" => "正在重新连接…",
        version: "protocol v{0} · server {1}" => "协议 v{0} · 服务器 {1}",
        share: "share with the room" => "分享给全班",
        share_title: "let students follow this session, read-only, on their own screens"
            => "让同学们在自己的屏幕上只读地跟随这个会话",
        following: " following" => " 人在跟随",
        qr_alt: "QR code of the follow link" => "跟随链接的二维码",
        following_badge: "following the lecturer (read-only)" => "正在跟随老师（只读）",
        chunk_missing: "This part of the page did not load from the server (was socklab stopped or rebuilt?). Reload the page to get it."
            => "页面的这一部分没能从服务器加载（socklab 是否已停止或重新构建？）。请刷新页面后再试。",
        token_needed: "This lab needs its token: open the URL socklab printed when it started (it ends in ?token=…)."
            => "这个实验需要令牌：请打开 socklab 启动时打印的网址（以 ?token=… 结尾）。",
        full_everyone: "The lab is full: all {0} sessions are in use, so this page can't open one. It keeps trying and connects as soon as someone closes a lab tab. Lecturer: start socklab with a higher --max-sessions for a larger class."
            => "实验室已满：全部 {0} 个会话都在使用中，这个页面暂时无法打开新会话。页面会不断重试，一旦有人关闭实验标签页就会自动连接。老师：班级较大时，请用更大的 --max-sessions 启动 socklab。",
        full_this_computer: "This computer already has {0} lab tabs open, the most one computer may ({1}). Close a lab tab you no longer use; this page connects by itself once one is closed."
            => "这台电脑已经打开了 {0} 个实验标签页，达到单台电脑的上限（{1} 个）。请关闭一个不再使用的实验标签页，关闭后本页会自动连接。",
        past: "⏪ The past: the cards show the kernel as it was at timeline {0}, not now. Press End or Esc to come back."
            => "⏪ 过去的时刻（时间线{0}）：卡片显示的是那时内核的状态，而不是现在。按 End 或 Esc 键回到现在。",
        past_back: "back to now (End)" => "回到现在（End）",
        rec_download: "download recording" => "下载录制",
        rec_download_title: "save this session's events as a file" => "把本会话的事件保存为文件",
        rec_open: "open recording " => "打开录制 ",
        rec_open_title: "play a saved recording, read-only" => "只读地回放一份保存的录制",
        rec_playing: "playing a recording (read-only)" => "正在回放录制（只读）",
        rec_read_only: "a recording is playing (read-only): reload the page to use the lab"
            => "正在回放录制（只读）：刷新页面即可继续使用实验",
        rec_save_failed: "could not save the recording: " => "无法保存录制：",
        rec_read_failed: "could not read the file" => "无法读取该文件",
        rec_not_recording: "this file is not a socklab recording (or a later version of one)"
            => "这个文件不是 socklab 录制文件（或者是更新版本的录制）",
    }
}
