//! A TCP proxy between devices and the hub that applies faults request by request (drops a
//! request midway, drops the answer after the hub committed, duplicates, replays late, delays),
//! and balances requests over several hub processes.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy does to one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    Pass,
    /// Forward half the request, then cut both sides.
    DropRequest,
    /// Forward the request, let the hub answer (and commit), cut the client before the answer.
    DropResponse,
    /// Forward it, answer the client, then send the same bytes again.
    Duplicate,
    /// Keep a copy and send it after the next request (a late, reordered duplicate).
    Late,
    /// Wait before forwarding.
    Delay,
    /// A hub from before issue 21: a zstd body is answered 415, as its decompression layer did,
    /// without reaching the hub; anything else passes.
    OlderHub,
}

pub struct Proxy {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    pub counts: Arc<Mutex<Vec<Fault>>>,
    /// Each request's line and body encoding, in order: `POST /v1/enrol zstd`.
    pub seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    /// A proxy to `upstream` applying `plan[i % plan.len()]` to the i-th request.
    pub fn start(upstream: SocketAddr, plan: Vec<Fault>) -> Proxy {
        Self::balance(vec![upstream], plan)
    }

    /// A load balancer in front of several hub processes: the i-th request goes to
    /// `upstreams[i % n]`, a duplicate or a late copy of it to the next one (a retry that lands on
    /// another node), each with `plan[i % plan.len()]` applied.
    pub fn balance(upstreams: Vec<SocketAddr>, plan: Vec<Fault>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (stop2, counts2, seen2) = (stop.clone(), counts.clone(), seen.clone());
        std::thread::spawn(move || {
            let n = AtomicUsize::new(0);
            let late: Arc<Mutex<Option<Vec<u8>>>> = Arc::new(Mutex::new(None));
            while !stop2.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let i = n.fetch_add(1, Ordering::Relaxed);
                        let fault = plan[i % plan.len()];
                        counts2.lock().unwrap().push(fault);
                        let (late, seen) = (late.clone(), seen2.clone());
                        let route = Route {
                            to: upstreams[i % upstreams.len()],
                            again: upstreams[(i + 1) % upstreams.len()],
                        };
                        std::thread::spawn(move || {
                            let _ = handle(client, route, fault, &late, &seen);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Proxy {
            addr,
            stop,
            counts,
            seen,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Reads one HTTP/1.1 request (head and Content-Length body).
fn read_request(s: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = s.read(&mut chunk)?;
        if n == 0 || buf.len() > 1 << 20 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().unwrap_or(0))
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    // One request per connection: ask the hub to close after answering, so that the answer
    // ends at EOF and the client does not reuse the connection.
    let mut out = buf[..head_end - 2].to_vec();
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out.extend_from_slice(&buf[head_end..]);
    Ok(out)
}

/// Sends a request to the hub and reads its whole answer.
fn exchange(upstream: SocketAddr, req: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect_timeout(&upstream, Duration::from_secs(5))?;
    up.set_read_timeout(Some(Duration::from_secs(15)))?;
    up.write_all(req)?;
    let mut resp = Vec::new();
    up.read_to_end(&mut resp)?;
    Ok(resp)
}

/// Where a request goes, and where its duplicate or late copy goes.
#[derive(Clone, Copy)]
struct Route {
    to: SocketAddr,
    again: SocketAddr,
}

fn handle(
    mut client: TcpStream,
    route: Route,
    fault: Fault,
    late: &Mutex<Option<Vec<u8>>>,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let upstream = route.to;
    client.set_read_timeout(Some(Duration::from_secs(15)))?;
    let req = read_request(&mut client)?;
    let end = req
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(req.len());
    let head = String::from_utf8_lossy(&req[..end]).to_ascii_lowercase();
    let line = head
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches(" http/1.1");
    let encoding = head
        .lines()
        .find_map(|l| l.strip_prefix("content-encoding:"))
        .map_or("", str::trim);
    seen.lock()
        .unwrap()
        .push(format!("{line} {encoding}").trim_end().to_string());
    if fault == Fault::OlderHub && encoding == "zstd" {
        let body = r#"{"error":"nội dung yêu cầu chỉ được nén bằng gzip (Content-Encoding: gzip) hoặc không nén"}"#;
        let answer = format!(
            "HTTP/1.1 415 Unsupported Media Type\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        client.write_all(answer.as_bytes())?;
        client.shutdown(Shutdown::Both)?;
        return Ok(());
    }
    if let Some(old) = late.lock().unwrap().take() {
        let _ = exchange(upstream, &old);
    }
    match fault {
        Fault::DropRequest => {
            if let Ok(mut up) = TcpStream::connect(upstream) {
                let _ = up.write_all(&req[..req.len() / 2]);
                let _ = up.shutdown(Shutdown::Both);
            }
            client.shutdown(Shutdown::Both)?;
        }
        Fault::DropResponse => {
            let _ = exchange(upstream, &req)?;
            client.shutdown(Shutdown::Both)?;
        }
        Fault::Duplicate => {
            let resp = exchange(upstream, &req)?;
            client.write_all(&resp)?;
            client.shutdown(Shutdown::Both)?;
            let _ = exchange(route.again, &req);
        }
        Fault::Late => {
            *late.lock().unwrap() = Some(req.clone());
            let resp = exchange(upstream, &req)?;
            client.write_all(&resp)?;
            client.shutdown(Shutdown::Both)?;
        }
        Fault::Delay | Fault::Pass | Fault::OlderHub => {
            if fault == Fault::Delay {
                std::thread::sleep(Duration::from_millis(300));
            }
            let resp = exchange(upstream, &req)?;
            client.write_all(&resp)?;
            client.shutdown(Shutdown::Both)?;
        }
    }
    Ok(())
}
