//! The panels beside the cards: TCP vs UDP, the receiver's decoder and its chat view, the
//! file upload and the Python program.

use super::texts;

texts! {
    /// Compare, decoder, chat, file and Python panels.
    pub struct PanelText {
        demo_title: "send hello and world over a TCP connection and as two UDP datagrams, then receive both sides"
            => "用一条 TCP 连接发送 hello 和 world，再作为两个 UDP 数据报发送，然后在两边接收",
        demo_button: "TCP vs UDP" => "TCP 对比 UDP",
        demo_heading: "TCP vs UDP: the same two messages" => "TCP 与 UDP 对比：同样的两条消息",
        hide: "hide this panel" => "隐藏这个面板",
        tcp_merged: "TCP is a byte stream: the kernel keeps no boundary between sends, so one recv returned both messages glued together."
            => "TCP 是字节流：内核不保留两次发送之间的边界，所以一次 recv 把两条消息粘在一起返回了（粘包）。",
        tcp_nothing: "Nothing received yet." => "还没有收到任何数据。",
        tcp_lucky: "Each recv matched one send this time, by luck of timing: TCP itself keeps no message boundaries."
            => "这次每个 recv 恰好对应一次 send，只是时机凑巧：TCP 本身并不保留消息边界。",
        udp_nothing: "No datagram received yet." => "还没有收到数据报。",
        udp_kept: "UDP keeps boundaries: each sendto is one datagram, and each recvfrom returns exactly one of them."
            => "UDP 保留边界：每次 sendto 是一个数据报，每次 recvfrom 正好返回其中一个。",
        one_datagram: "{0} → one datagram, {1} bytes" => "{0} → 一个数据报，{1} 字节",
        got_bytes: "{0} → {1} bytes" => "{0} → {1} 字节",
        from_one_send: " from 1 send" => "，来自 1 次发送",
        from_sends: " from {0} sends" => "，来自 {0} 次发送",
        truncated: " truncated" => " 被截断",
        tcp_summary_one_one: "{0} send → {1} recv" => "{0} 次发送 → {1} 次接收",
        tcp_summary: "{0} sends → {1} recvs" => "{0} 次发送 → {1} 次接收",
        tcp_summary_one_many: "{0} send → {1} recvs" => "{0} 次发送 → {1} 次接收",
        tcp_summary_many_one: "{0} sends → {1} recv" => "{0} 次发送 → {1} 次接收",
        decode_title: "What the receiving program expects; its decoder buffers recv results until a whole frame is there"
            => "接收程序期望的格式；它的解码器会缓存 recv 的结果，直到凑齐一整帧",
        decodes: "receiver decodes " => "接收方解码方式 ",
        as_peer_sends: " as the other end sends: both ends speak one protocol" => " 与对端发送时相同：两端使用同一个协议",
        as_this_sends: " as this socket sends: both ends speak one protocol" => " 与本套接字发送时相同：两端使用同一个协议",
        decoder_heading: "the receiver's decoder after {0} recv calls: {1} whole messages" => "接收方解码器经过 {0} 次 recv 调用：得到 {1} 条完整消息",
        decoder_heading_one_recv: "the receiver's decoder after 1 recv call: {1} whole messages" => "接收方解码器经过 1 次 recv 调用：得到 {1} 条完整消息",
        decoder_heading_one_message: "the receiver's decoder after {0} recv calls: 1 whole message" => "接收方解码器经过 {0} 次 recv 调用：得到 1 条完整消息",
        decoder_heading_one_one: "the receiver's decoder after 1 recv call: 1 whole message" => "接收方解码器经过 1 次 recv 调用：得到 1 条完整消息",
        decode_stopped: "decoding stopped: " => "解码停止：",
        decode_stopped_why: ". A real receiver can't find the next frame after this; it closes the connection."
            => "。真实的接收方在这之后找不到下一帧的开头，只能关闭连接。",
        decode_gap: "Some bytes were received by auto-recv without being shown one by one, so the decoder missed them."
            => "有些字节是自动接收收下的，没有逐条显示，所以解码器没有看到它们。",
        after_header: " after a {0}-byte header" => "，在 {0} 字节的头部之后",
        before_delimiter: " before a {0}-byte delimiter" => "，在 {0} 字节的分隔符之前",
        between: " between a {0}-byte header and a {1}-byte delimiter" => "，在 {0} 字节的头部和 {1} 字节的分隔符之间",
        message_bytes: "{0} bytes{1}" => "{0} 字节{1}",
        waiting_more: "waiting for {0} more bytes: {1} of a {2}-byte frame are here" => "还差 {0} 字节：这一帧共 {2} 字节，已收到 {1} 字节",
        waiting_one_more: "waiting for 1 more byte: {1} of a {2}-byte frame are here" => "还差 1 字节：这一帧共 {2} 字节，已收到 {1} 字节",
        waiting_unknown: "waiting for more bytes: {0} bytes of a frame whose length is not known yet" => "还在等更多字节：已收到 {0} 字节，这一帧的长度还不知道",
        waiting_unknown_one: "waiting for more bytes: 1 byte of a frame whose length is not known yet" => "还在等更多字节：已收到 1 字节，这一帧的长度还不知道",
        chat_who: "who: " => "谁在说话：",
        chat_hello: " (says who they are)" => "（报上自己的名字）",
        file_heading: "📁 Send a file" => "📁 发送文件",
        file_intro_1: "Experiment 13's upload: " => "实验 13 的上传方式：",
        file_intro_2: ", the JSON header " => "，然后是 JSON 头部 ",
        file_intro_3: ", then the file in chunks of at most 1 MB, each with " => "，再把文件分成最多 1 MB 的块，每块用 ",
        file_intro_4: ". The other end of the connection becomes the file server and checks the md5." => " 发送。连接的另一端充当文件服务器，并校验 md5。",
        file_need_connection: "Make a connection first: + TCP server, + TCP client, then accept() on the server."
            => "请先建立连接：+ TCP 服务器，+ TCP 客户端，然后在服务器上 accept()。",
        file_connection: "connection " => "连接 ",
        file_accepted: "accepted {0}" => "accept 得到的 {0}",
        file_client: "client {0}" => "客户端 {0}",
        file_file: "file " => "文件 ",
        file_generated: "generated, {0}" => "随机生成，{0}",
        file_chosen: "the file chosen here →" => "在这里选择的文件 →",
        file_send: "📤 send the file" => "📤 发送文件",
        file_choose_first: "choose a file first" => "请先选择一个文件",
        file_throughput: "{0} MB/s · {1} s since the header went" => "{0} MB/s · 自头部发出起 {1} 秒",
        file_verified: "verified ✓ the md5 of what arrived is the md5 in the header" => "校验通过 ✓ 收到的数据的 md5 与头部中的 md5 一致",
        file_mismatch: "MISMATCH ✗ the bytes that arrived are not the file the header describes" => "不一致 ✗ 收到的字节不是头部所描述的那个文件",
        md5_expected: "md5 in the header (the sender's)" => "头部中的 md5（发送方计算）",
        md5_actual: "md5 of the bytes that arrived (the receiver's)" => "收到字节的 md5（接收方计算）",
        receiver_read: "the receiver read" => "接收方读到",
        read_detail: "{0} of {1} in {2} s" => "{1}，共 {0}，用时 {2} 秒",
        bar_md5: "md5 computed" => "已计算 md5",
        bar_sent: "sent (accepted by the sender's kernel)" => "已发送（发送方内核已接收）",
        bar_arrived: "arrived at the receiver" => "已到达接收方",
        bar_text: "{0} of {1} ({2}%)" => "{0} / {1}（{2}%）",
        file_line: "{0} · {1} ({2} bytes)" => "{0} · {1}（{2} 字节）",
        phase_preparing: "switching the receiver to a file server…" => "正在把接收方切换为文件服务器…",
        phase_hashing: "hashing (md5 of the whole file, before sending)…" => "正在计算整个文件的 md5（发送之前）…",
        phase_sending: "sending…" => "正在发送…",
        phase_waiting: "waiting for the receiver's verdict…" => "正在等待接收方的校验结果…",
        phase_verified: "verified ✓" => "校验通过 ✓",
        phase_mismatch: "MISMATCH ✗" => "不一致 ✗",
        phase_failed: "failed: " => "失败：",
        python_intro: "the same calls in Python, both ends in one program: save as lab.py and run python3 lab.py"
            => "用 Python 写出同样的调用，两端在同一个程序中：保存为 lab.py，然后运行 python3 lab.py",
        python_empty: "No calls yet: every call made here, by a lesson or by hand, appears as Python."
            => "还没有调用：这里的每次调用，无论来自课程还是手动操作，都会以 Python 代码显示。",
        copy: "copy" => "复制",
        copy_title: "copy the program to the clipboard" => "把程序复制到剪贴板",
        copying: "copying…" => "正在复制…",
        copied: "copied" => "已复制",
        copy_refused: "the browser refused: select the code and press Ctrl+C" => "浏览器拒绝了：请选中代码后按 Ctrl+C",
        no_clipboard: "no clipboard here (it needs https or localhost): select the code and press Ctrl+C"
            => "这里不能使用剪贴板（需要 https 或 localhost）：请选中代码后按 Ctrl+C",
    }
}
