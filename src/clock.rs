//! The Worker's clock. Its own module, below everything else in the shell: the log, the usage
//! counters and storage all read the time, and none of them is the clock's owner.

pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}
