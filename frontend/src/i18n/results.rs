//! What calls returned and why they failed: a card's latest result, where a recv's bytes came
//! from, and the server's errors explained by their code.

use socklab_shared::protocol::ErrorCode;

use super::{Lang, texts};

texts! {
    /// Results, recv labels and error explanations.
    pub struct ResultText {
        option_done: "{0}: done" => "{0}：完成",
        option_changed: "{0}: the kernel chose the value after the arrow" => "{0}：箭头后面是内核实际采用的值",
        shutdown_done: "shutdown({0}): done" => "shutdown({0})：完成",
        names_peer: "getsockname() → {0} · getpeername() → {1}" => "getsockname() → {0} · getpeername() → {1}（本端 · 对端）",
        names_no_peer: "getsockname() → {0} · getpeername() fails: not connected" => "getsockname() → {0} · getpeername() 失败：未连接",
        file_received: "received the file {0}: {1} bytes" => "收到文件 {0}：{1} 字节",
        connected: "connected: {0} ⇄ {1}" => "已连接：{0} ⇄ {1}",
        bound: "bound to {0}" => "已绑定到 {0}",
        close_done: "close(): done" => "close()：完成",
        done: "done" => "完成",
        auto_off: "auto: off" => "自动：关闭",
        auto_on: "auto: {0}" => "自动：{0}",
        echo_same: "echo same" => "原样回显",
        echo_upper: "echo upper" => "转大写回显",
        echo_time: "echo time" => "时间服务器",
        echo_canned: "echo canned" => "命令输出服务器",
        echo_chat: "echo chat" => "聊天服务器",
        echo_login: "echo login" => "登录服务器",
        echo_hmac_server: "echo hmacserver" => "HMAC 挑战服务器",
        echo_hmac_client: "echo hmacclient" => "HMAC 挑战客户端",
        echo_file: "echo filereceiver" => "文件接收服务器",
        one_send: "1 send → 1 recv" => "1 次发送 → 1 次接收",
        sends: "{0} sends → 1 recv" => "{0} 次发送 → 1 次接收",
        piece: "{0} of {1} B of send #{2}" => "第 {2} 次发送的 {1} B 中的 {0} B",
        partial: "partial: {0} of {1} bytes of send #{2}" => "部分：第 {2} 次发送的 {1} 字节中的 {0} 字节",
        external: "external peer" => "外部对端",
        whole_body: "the whole body of send #{0} ({1} bytes); that send also carried a {2}-byte header, which the recv before read"
            => "第 {0} 次发送的完整消息体（{1} 字节）；那次发送还带有 {2} 字节的头部，已被上一次 recv 读走",
        header_only: "{0} header bytes of send #{1} (a send of {2} bytes with its body)"
            => "第 {1} 次发送的 {0} 字节头部（那次发送连同消息体共 {2} 字节）",
        would_block: "{0}: nothing to read yet, so it returned at once ({1})" => "{0}：还没有数据可读，所以立即返回了（{1}）",
        would_block_hint: "A program with a blocking socket (Python's default) would wait at this recv until bytes arrive. The lab's sockets never block, so the page never freezes: send something from the other end, then press recv() again."
            => "使用阻塞套接字的程序（Python 的默认方式）会停在这个 recv 处，直到有数据到达。实验中的套接字从不阻塞，所以页面不会卡住：先从另一端发送一些数据，再点一次 recv()。",
        server_said: "the server said: " => "服务器原文：",
        bad_message: "The page sent a command the server could not read." => "页面发送了一条服务器无法解析的命令。",
        too_large: "The message is larger than the server allows." => "消息超过了服务器允许的大小。",
        unknown_socket: "There is no such socket in this session (it was closed)." => "这个会话中没有这个套接字（它已被关闭）。",
        wrong_socket: "This call does not fit this socket or its state." => "这个调用不适用于该套接字或它当前的状态。",
        os: "The system call failed with an error from the kernel." => "系统调用失败，内核返回了错误。",
        os_errno: "The system call failed: {0} ({1})." => "系统调用失败：{0}（{1}）。",
        eaddrinuse: "the address is already in use" => "地址已被占用",
        eaddrnotavail: "the address is not available on this machine" => "本机没有这个地址",
        econnrefused: "the connection was refused: nothing listens there" => "连接被拒绝：那里没有程序在监听",
        econnreset: "the connection was reset by the peer" => "连接被对端重置",
        econnaborted: "the connection was aborted" => "连接被中止",
        epipe: "the other end has closed: writing to it fails" => "对端已经关闭，无法再写入",
        enotconn: "the socket is not connected" => "套接字尚未连接",
        eisconn: "the socket is already connected" => "套接字已经连接",
        etimedout: "the connection timed out" => "连接超时",
        eagain: "nothing to do yet: the call would have to wait" => "暂时无事可做：调用需要等待",
        einprogress: "the connection is still being made" => "连接仍在建立中",
        enoent: "no such file" => "没有这个文件",
        eacces: "permission denied" => "权限不足",
        einval: "an invalid argument" => "参数无效",
        emsgsize: "the message is too long for one datagram" => "消息太长，一个数据报装不下",
        ehostunreach: "the host is unreachable" => "主机不可达",
        enetunreach: "the network is unreachable" => "网络不可达",
        timed_out: "The call waited until its timeout and gave up." => "调用一直等到超时，然后放弃了。",
        refused: "A safety limit of the lab refused this command." => "实验的安全限制拒绝了这条命令。",
        framing: "The bytes could not be framed (length prefix) as asked." => "无法按所选的方式（长度前缀）对这些字节分帧。",
        shutting_down: "The lab's server is shutting down." => "实验服务器正在关闭。",
        idle: "Nothing happened for a long time, so the session was closed; the page opens a new one."
            => "长时间没有操作，会话已被关闭；页面会打开一个新会话。",
        read_only: "This page follows the lecturer and is read-only: it can't run commands."
            => "本页面正在跟随老师，是只读的：不能执行命令。",
        fell_behind: "This page fell too far behind the lecturer's session; it starts following again."
            => "本页面落后老师的会话太多，正在重新开始跟随。",
        session_ended: "The lecturer's session ended." => "老师的会话已经结束。",
        wire_unavailable: "Hosts A and B can't be made on this machine; loopback sockets keep working."
            => "无法在这台机器上创建主机 A 和 B；回环地址上的套接字仍然可以正常使用。",
    }
}

impl ResultText {
    /// What the kernel's error `name` (`EADDRINUSE`…) means, when the page knows it.
    pub fn errno_words(&self, name: &str) -> Option<&'static str> {
        Some(match name {
            "EADDRINUSE" => self.eaddrinuse,
            "EADDRNOTAVAIL" => self.eaddrnotavail,
            "ECONNREFUSED" => self.econnrefused,
            "ECONNRESET" => self.econnreset,
            "ECONNABORTED" => self.econnaborted,
            "EPIPE" => self.epipe,
            "ENOTCONN" => self.enotconn,
            "EISCONN" => self.eisconn,
            "ETIMEDOUT" => self.etimedout,
            "EAGAIN" | "EWOULDBLOCK" => self.eagain,
            "EINPROGRESS" => self.einprogress,
            "ENOENT" => self.enoent,
            "EACCES" | "EPERM" => self.eacces,
            "EINVAL" => self.einval,
            "EMSGSIZE" => self.emsgsize,
            "EHOSTUNREACH" => self.ehostunreach,
            "ENETUNREACH" => self.enetunreach,
            _ => return None,
        })
    }

    /// [`ResultText::explain`], with the kernel's error in words when `message` names one the
    /// page knows ("bind(...) failed: [Errno 98] EADDRINUSE" → "the address is already in use").
    pub fn explain_message(&self, code: ErrorCode, message: &str) -> String {
        let errno = message
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .find(|w| {
                w.len() > 3 && w.starts_with('E') && w.chars().all(|c| c.is_ascii_uppercase())
            });
        match errno.and_then(|e| Some((e, self.errno_words(e)?))) {
            Some((name, words)) => super::fill(self.os_errno, &[&words, &name]),
            None => self.explain(code).to_owned(),
        }
    }

    /// What an error with `code` means, in this table's language.
    pub fn explain(&self, code: ErrorCode) -> &'static str {
        match code {
            ErrorCode::BadMessage | ErrorCode::BinaryNotSupported => self.bad_message,
            ErrorCode::MessageTooLarge => self.too_large,
            ErrorCode::UnknownSocket => self.unknown_socket,
            ErrorCode::WrongSocket => self.wrong_socket,
            ErrorCode::Os | ErrorCode::WouldBlock => self.os,
            ErrorCode::TimedOut => self.timed_out,
            ErrorCode::Refused => self.refused,
            ErrorCode::Framing => self.framing,
            ErrorCode::ShuttingDown => self.shutting_down,
            ErrorCode::IdleTimeout => self.idle,
            ErrorCode::ReadOnly => self.read_only,
            ErrorCode::FellBehind => self.fell_behind,
            ErrorCode::SessionEnded => self.session_ended,
            ErrorCode::WireUnavailable => self.wire_unavailable,
        }
    }
}

/// Whether the page explains errors in its own words (Chinese) and keeps the server's English
/// message as a detail: in English the server's words are the explanation.
pub fn explains_errors(lang: Lang) -> bool {
    lang == Lang::Zh
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_errno_is_explained_in_words() {
        let t = ResultText::of(Lang::Zh);
        let m = "bind(('127.0.0.1', 9000)) failed: [Errno 98] EADDRINUSE (Address already in use)";
        assert_eq!(
            t.explain_message(ErrorCode::Os, m),
            "系统调用失败：地址已被占用（EADDRINUSE）。"
        );
        assert_eq!(t.explain_message(ErrorCode::Os, "odd"), t.os);
        assert_eq!(t.explain_message(ErrorCode::ReadOnly, "no"), t.read_only);
    }
}
