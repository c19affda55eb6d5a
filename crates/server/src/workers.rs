//! Where `carefind serve` runs query work: off the async threads, so that they stay free to
//! accept connections and answer `/healthz` however expensive the queries, in two lanes.
//!
//! Quick queries (nearest few, a radius, a facility) run on tokio's blocking threads.
//! Heavy ones (polygons, boxes, long pages, statistics) run on threads of their own at the
//! lowest CPU priority the system has, so that they take only the time quick queries leave:
//! a burst of polygon searches cannot starve the nearest-10 questions beside them, and
//! alone they still have every core. Each lane runs at most one query per core; beyond
//! that, up to `max_waiting` requests wait and the rest are refused at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Which lane a request's work runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Work bounded by a small page: answered at normal priority.
    Quick,
    /// Work that may walk much of the index: answered at the lowest priority.
    Heavy,
}

/// Why work was not run.
#[derive(Debug)]
pub enum Refusal {
    /// Every worker of the lane is busy and too many requests are waiting, or none was free
    /// by the deadline.
    Busy(&'static str),
    /// The work panicked, or its thread went away.
    Lost,
}

/// The two lanes and their shared queue bound.
pub struct Workers {
    quick: Arc<Semaphore>,
    heavy: Arc<Semaphore>,
    heavy_threads: rayon::ThreadPool,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Workers {
    /// Lanes of one worker per core; at most `max_waiting` requests wait for one.
    pub fn new(max_waiting: usize) -> std::io::Result<Workers> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let heavy_threads = rayon::ThreadPoolBuilder::new()
            .num_threads(cores)
            .thread_name(|i| format!("carefind-heavy-{i}"))
            .start_handler(|_| lowest_priority())
            .build()
            .map_err(std::io::Error::other)?;
        Ok(Workers {
            quick: Arc::new(Semaphore::new(cores)),
            heavy: Arc::new(Semaphore::new(cores)),
            heavy_threads,
            waiting: AtomicUsize::new(0),
            max_waiting,
        })
    }

    /// Runs `work` in `lane`, waiting for a worker until `deadline` at the latest.
    pub async fn run<T: Send + 'static>(
        &self,
        lane: Lane,
        deadline: Instant,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Refusal> {
        let slots = match lane {
            Lane::Quick => &self.quick,
            Lane::Heavy => &self.heavy,
        };
        let permit = self.admit(slots, deadline).await?;
        match lane {
            Lane::Quick => tokio::task::spawn_blocking(move || {
                let _permit = permit;
                work()
            })
            .await
            .map_err(|_| Refusal::Lost),
            Lane::Heavy => {
                let (answer, answered) = tokio::sync::oneshot::channel();
                self.heavy_threads.spawn(move || {
                    let _permit = permit;
                    let _ = answer.send(work());
                });
                answered.await.map_err(|_| Refusal::Lost)
            }
        }
    }

    /// A worker of `slots` at once, or after waiting in the bounded queue.
    async fn admit(
        &self,
        slots: &Arc<Semaphore>,
        deadline: Instant,
    ) -> Result<OwnedSemaphorePermit, Refusal> {
        if let Ok(permit) = Arc::clone(slots).try_acquire_owned() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Refusal::Busy(
                "every query worker is busy and too many requests are waiting",
            ));
        }
        let permit =
            tokio::time::timeout_at(deadline.into(), Arc::clone(slots).acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        match permit {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Refusal::Busy("no query worker was free in time")),
        }
    }
}

/// Lowers the calling thread to the lowest CPU priority (nice 19). Linux gives each thread
/// its own nice value; elsewhere heavy work runs at normal priority.
pub(crate) fn lowest_priority() {
    #[cfg(target_os = "linux")]
    {
        let thread = rustix::thread::gettid();
        // Not fatal: heavy work then competes evenly, as it did before the lanes.
        let _ = rustix::process::setpriority_process(Some(thread), 19);
    }
}
