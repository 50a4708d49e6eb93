//! The timeline: its controls, lanes and the words of each row and tooltip. Call names stay
//! as the code writes them (`recv(12) → 10 B`); what they mean is translated.

use super::texts;

texts! {
    /// The sequence diagram and its step controls.
    pub struct TimelineText {
        heading: "Timeline" => "时间线",
        time: "time" => "时间",
        auto: "auto" => "自动",
        live: "live" => "实时",
        position: "step {0} of {1}" => "第 {0} 步，共 {1} 步",
        buttons: "step through the session" => "逐步浏览会话",
        first: "first step" => "第一步",
        first_title: "first step (Home)" => "第一步（Home）",
        prev: "previous step" => "上一步",
        prev_title: "previous step (←)" => "上一步（←）",
        next: "next step" => "下一步",
        next_title: "next step (→)" => "下一步（→）",
        play_title: "play the session step by step (space)" => "逐步播放会话（空格键）",
        pause: " pause" => " 暂停",
        play: " play" => " 播放",
        speed: "play speed" => "播放速度",
        live_title: "back to the present (End)" => "回到现在（End）",
        live_button: "● live" => "● 实时",
        keys_lesson: "← → space: the lesson's steps · Home / End" => "← → 空格：课程的步骤 · Home / End",
        keys: "← → step · space play · Home / End" => "← → 单步 · 空格 播放 · Home / End",
        hide_earlier: "hide earlier lessons and demos" => "隐藏之前的课程和演示",
        show_earlier: "show {0} earlier events (earlier lessons and demos)" => "显示之前的 {0} 个事件（之前的课程和演示）",
        earlier: "{0} earlier events (step back to see them)" => "前面还有 {0} 个事件（后退即可看到）",
        later: "{0} later events" => "后面还有 {0} 个事件",
        empty: "No calls yet: open a socket above and every call shows up here, in order."
            => "还没有调用：在上面打开一个套接字，每次调用都会按顺序显示在这里。",
        tcp_server: "TCP server" => "TCP 服务器",
        tcp_client: "TCP client" => "TCP 客户端",
        udp_socket: "UDP socket" => "UDP 套接字",
        unix_server: "Unix server" => "Unix 服务器",
        unix_client: "Unix client" => "Unix 客户端",
        accepted_by: "accepted by {0}" => "由 {0} accept 得到",
        lane_socket: "socket" => "套接字",
        opened_peer: "socket {0}: {1} ⇄ {2}" => "套接字 {0}：{1} ⇄ {2}",
        opened_bound: "socket {0} bound to {1}" => "套接字 {0} 绑定到 {1}",
        sent_partial: "{0} #{1} · {2} of {3} B (partial)" => "{0} #{1} · {3} B 中的 {2} B（部分）",
        sent_title: "{0} #{1} on {2}: the kernel accepted {3} of {4} bytes" => "{2} 上的第 {1} 次 {0}：内核接收了 {4} 字节中的 {3} 字节",
        sendto_title: "datagram #{0} from {1}: {2} bytes to {3}" => "{1} 的第 {0} 个数据报：{2} 字节，发往 {3}",
        truncated: "recvfrom({0}) → {1} B (truncated, was {2})" => "recvfrom({0}) → {1} B（被截断，原有 {2} B）",
        datagram_from: "a datagram of {0} bytes from {1}" => "来自 {1} 的 {0} 字节数据报",
        auto_recvs: "{0} recvs · {1} B" => "{0} 次 recv · {1} B",
        auto_echoed: " · echoed {0} B" => " · 回显 {0} B",
        auto_title: "auto-recv made {0} recv calls ({1} bytes), summed up to keep the page fast"
            => "自动接收进行了 {0} 次 recv 调用（{1} 字节），合并显示以保持页面流畅",
        shutdown_on: "shutdown({0}) on {1}" => "{1} 上的 shutdown({0})",
        closed: "socket {0} closed" => "套接字 {0} 已关闭",
        on_socket: "{0} on {1}" => "{1} 上的 {0}",
        shared: "shared" => "已分享给全班",
        shared_title: "shared with the room" => "已分享给全班",
        followers: "followers" => "跟随人数",
        followers_title: "{0} following" => "{0} 人在跟随",
    }
}
