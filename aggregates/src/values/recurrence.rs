use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use rrule::{Frequency as RuleFrequency, RRule, Tz};
use serde::{Deserialize, Serialize};

/// A series never has more occurrences than this.
pub const MAX_OCCURRENCES: usize = 200;

/// The last instant a time of the API can name: RFC 3339 writes years with four digits, so
/// an occurrence after it could be neither read back nor sent again.
pub fn latest() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|day| day.and_hms_micro_opt(23, 59, 59, 999_999))
        .expect("a valid date")
        .and_utc()
}

const PAST_LATEST: &str = "the series would go past the year 9999";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Weekly,
    Monthly,
}

impl Frequency {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "weekly" => Ok(Self::Weekly),
            "monthly" => Ok(Self::Monthly),
            other => Err(format!("\"{other}\" is not a valid choice (weekly, monthly)")),
        }
    }
}

/// Where a series stops: after a number of occurrences, or at a time (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Count(u32),
    Until(DateTime<Utc>),
}

/// How an event repeats: every `interval` weeks or months, until `ending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recurrence {
    pub freq: Frequency,
    pub interval: u16,
    pub ending: Ending,
}

impl Recurrence {
    /// The longest step between occurrences, in weeks or months.
    pub const MAX_INTERVAL: i64 = 99;

    /// Checks the parts: an interval of 1–99, a count of 1–200.
    pub fn parse(freq: Frequency, interval: i64, ending: Ending) -> Result<Self, String> {
        if !(1..=Self::MAX_INTERVAL).contains(&interval) {
            let max = Self::MAX_INTERVAL;
            return Err(format!("interval: ensure this value is between 1 and {max}"));
        }
        if let Ending::Count(count) = ending {
            if count == 0 || count as usize > MAX_OCCURRENCES {
                return Err(format!("count: ensure this value is between 1 and {MAX_OCCURRENCES}"));
            }
        }
        Ok(Self {
            freq,
            interval: interval as u16,
            ending,
        })
    }

    /// The start times of the occurrences, the first at `start`, expanded by RFC 5545's rules
    /// (a monthly series from the 31st skips months without one), each lasting `length`.
    /// More than [`MAX_OCCURRENCES`] is an error, as is an `until` before `start` and an
    /// occurrence that would end after [`latest`].
    pub fn expand(&self, start: DateTime<Utc>, length: Duration) -> Result<Vec<DateTime<Utc>>, String> {
        let freq = match self.freq {
            Frequency::Weekly => RuleFrequency::Weekly,
            Frequency::Monthly => RuleFrequency::Monthly,
        };
        // The rule works in whole seconds: expand from the start's second, then put its
        // sub-second part back, and apply `until` to the exact times.
        let fraction = start - start.trunc_subsecs(0);
        let whole = start - fraction;
        let mut rule = RRule::new(freq).interval(self.interval);
        rule = match self.ending {
            Ending::Count(count) => rule.count(count),
            Ending::Until(until) if until < start => return Err("until: must not be before start_time".to_owned()),
            Ending::Until(until) => rule.until((until.trunc_subsecs(0) + Duration::seconds(1)).with_timezone(&Tz::UTC)),
        };
        let dates: Vec<DateTime<Utc>> = rule
            .build(whole.with_timezone(&Tz::UTC))
            .map_err(|e| format!("not a valid recurrence: {e}"))?
            .all(MAX_OCCURRENCES as u16 + 2)
            .dates
            .iter()
            .map(|d| d.with_timezone(&Utc) + fraction)
            .filter(|d| match self.ending {
                Ending::Until(until) => *d <= until,
                Ending::Count(_) => true,
            })
            .collect();
        if dates.len() > MAX_OCCURRENCES {
            return Err(format!("a series has at most {MAX_OCCURRENCES} occurrences"));
        }
        // The rule stops of itself some years on: fewer than counted went past that too.
        let cut_short = match self.ending {
            Ending::Count(count) => dates.len() < count as usize,
            Ending::Until(_) => false,
        };
        if cut_short || dates.last().is_some_and(|last| *last + length > latest()) {
            return Err(PAST_LATEST.to_owned());
        }
        Ok(dates)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 31, 18, 30, 0).unwrap() + Duration::microseconds(250)
    }

    fn every(freq: Frequency, interval: i64, ending: Ending) -> Recurrence {
        Recurrence::parse(freq, interval, ending).unwrap()
    }

    #[test]
    fn a_weekly_series_of_ten_starts_every_seven_days_at_the_same_time() {
        let starts = every(Frequency::Weekly, 1, Ending::Count(10))
            .expand(start(), Duration::zero())
            .unwrap();
        assert_eq!(starts.len(), 10);
        assert_eq!(starts[0], start(), "the first occurrence is the event itself");
        for (i, at) in starts.iter().enumerate() {
            assert_eq!(*at, start() + Duration::weeks(i as i64));
        }
    }

    #[test]
    fn an_interval_skips_periods() {
        let starts = every(Frequency::Weekly, 2, Ending::Count(3))
            .expand(start(), Duration::zero())
            .unwrap();
        assert_eq!(
            starts,
            [start(), start() + Duration::weeks(2), start() + Duration::weeks(4)]
        );
    }

    #[test]
    fn a_monthly_series_from_the_31st_skips_months_without_one() {
        let starts = every(Frequency::Monthly, 1, Ending::Count(3))
            .expand(start(), Duration::zero())
            .unwrap();
        let days: Vec<String> = starts.iter().map(|t| t.format("%Y-%m-%d").to_string()).collect();
        assert_eq!(days, ["2027-01-31", "2027-03-31", "2027-05-31"]);
    }

    #[test]
    fn until_is_inclusive() {
        let until = start() + Duration::weeks(3);
        let starts = every(Frequency::Weekly, 1, Ending::Until(until))
            .expand(start(), Duration::zero())
            .unwrap();
        assert_eq!(starts.len(), 4);
        assert_eq!(starts.last(), Some(&until));
    }

    #[test]
    fn until_before_the_start_is_rejected() {
        let until = start() - Duration::days(1);
        let result = every(Frequency::Weekly, 1, Ending::Until(until)).expand(start(), Duration::zero());
        assert_eq!(result, Err("until: must not be before start_time".to_owned()));
    }

    #[test]
    fn a_series_is_capped_at_200_occurrences() {
        assert_eq!(
            every(Frequency::Weekly, 1, Ending::Count(200))
                .expand(start(), Duration::zero())
                .unwrap()
                .len(),
            200
        );
        assert_eq!(
            Recurrence::parse(Frequency::Weekly, 1, Ending::Count(201)),
            Err("count: ensure this value is between 1 and 200".to_owned())
        );
        let far = start() + Duration::weeks(200);
        let result = every(Frequency::Weekly, 1, Ending::Until(far)).expand(start(), Duration::zero());
        assert_eq!(result, Err("a series has at most 200 occurrences".to_owned()));
    }

    #[test]
    fn no_occurrence_starts_or_ends_after_the_year_9999() {
        let late = Utc.with_ymd_and_hms(9999, 12, 20, 0, 0, 0).unwrap();
        let monthly = every(Frequency::Monthly, 1, Ending::Count(3));
        assert_eq!(monthly.expand(late, Duration::zero()), Err(PAST_LATEST.to_owned()));
        let weekly = every(Frequency::Weekly, 1, Ending::Count(200));
        let autumn = Utc.with_ymd_and_hms(9999, 10, 31, 23, 0, 0).unwrap();
        assert_eq!(weekly.expand(autumn, Duration::zero()), Err(PAST_LATEST.to_owned()));
        let twice = every(Frequency::Weekly, 1, Ending::Count(2));
        let last_week = Utc.with_ymd_and_hms(9999, 12, 20, 0, 0, 0).unwrap();
        assert_eq!(
            twice.expand(last_week, Duration::zero()).map(|starts| starts.len()),
            Ok(2)
        );
        assert_eq!(twice.expand(last_week, Duration::days(5)), Err(PAST_LATEST.to_owned()));
        assert_eq!(latest().to_rfc3339(), "9999-12-31T23:59:59.999999+00:00");
    }

    #[test]
    fn interval_and_count_have_bounds() {
        assert!(Recurrence::parse(Frequency::Monthly, 0, Ending::Count(2)).is_err());
        assert!(Recurrence::parse(Frequency::Monthly, 100, Ending::Count(2)).is_err());
        assert!(Recurrence::parse(Frequency::Monthly, 1, Ending::Count(0)).is_err());
        assert_eq!(
            Frequency::parse("daily"),
            Err("\"daily\" is not a valid choice (weekly, monthly)".to_owned())
        );
    }
}
