//! CPU time of a process (user + system), read from `/proc/PID/stat` (Linux): the bench
//! shares the machine's cores with the server, so each row says what both spent.

use std::time::Duration;

/// Clock ticks per second of `/proc/PID/stat`'s times (`getconf CLK_TCK`, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// User plus system CPU time `pid` has used so far (`None`: this process).
pub fn used(pid: Option<u32>) -> Option<Duration> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index)?.parse::<u64>().ok();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let total = ticks(11)? + ticks(12)?;
    Some(Duration::from_secs_f64(total as f64 / TICKS_PER_SECOND))
}

/// CPU time spent over `elapsed`, as a share of one core.
pub fn share(before: Option<Duration>, after: Option<Duration>, elapsed: Duration) -> Option<f64> {
    let spent = after?.checked_sub(before?)?;
    Some(100.0 * spent.as_secs_f64() / elapsed.as_secs_f64().max(1e-9))
}
