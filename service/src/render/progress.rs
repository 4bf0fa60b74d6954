//! The progress bar of `ordo solve` on a terminal: elapsed of the budget,
//! and the served visits and travel of the best solution so far (like
//! `ordo bench`'s bar). Hidden when standard error is not a terminal, so
//! logs and pipes stay clean.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Steps of the bar: the budget in tenths of a percent.
const STEPS: u64 = 1000;

/// A solve's progress bar.
pub struct SolveProgress {
    bar: ProgressBar,
}

impl SolveProgress {
    /// A bar over `budget`.
    pub fn new(budget: Duration) -> Self {
        let bar = ProgressBar::new(STEPS);
        if std::io::stderr().is_terminal() {
            let template = format!(
                "{{bar:30}} {{elapsed_precise}} of {:.0}s  {{msg}}",
                budget.as_secs_f64().ceil()
            );
            bar.set_style(
                ProgressStyle::with_template(&template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(250));
        } else {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        Self { bar }
    }

    /// The best solution so far: `fraction` of the budget used, `served`
    /// visits of `total`, its travel as text.
    pub fn update(&self, fraction: f64, served: usize, total: usize, travel: &str) {
        self.bar
            .set_position((fraction.clamp(0.0, 1.0) * STEPS as f64) as u64);
        self.bar
            .set_message(format!("served {served}/{total}  travel {travel}"));
    }

    /// Removes the bar before the summary line is printed.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
