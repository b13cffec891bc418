//! Dates and timestamps, parsed and formatted in one place: ISO `aaaa-mm-gg` text in the database
//! and records, `gg/mm/aaaa` on screen and on paper, what the operator types in a date field, the
//! civil date of a clock reading, and the timestamps of the `*_at` columns and of file names.
//!
//! Everything is on [`time::Date`] / [`time::OffsetDateTime`]; the codice fiscale and the Belfiore
//! tables keep their `(year, month, day)` tuple ([`super::belfiore::Date`]), converted with [`ymd`]
//! and [`from_ymd`].
//!
//! Local time: the desk's day and the times printed or put in file names are those of the ente's
//! time zone, [`DESK_ZONE`] (read once from the system tz database, with the Italian rule built in
//! for machines without one); stored `*_at` timestamps stay UTC. The clock is read only by
//! [`now_ms`], [`now`], [`today`] and [`now_timestamp`]; everything else takes a reading.

use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// The error of a date field that cannot be read.
pub const MSG_DATE: &str = "Data non valida: usare gg/mm/aaaa";

/// The date of `(year, month, day)`, when it exists.
pub fn from_ymd((year, month, day): (i32, u8, u8)) -> Option<Date> {
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// `(year, month, day)`: the form of the codice fiscale and Belfiore code.
pub fn ymd(d: Date) -> (i32, u8, u8) {
    (d.year(), u8::from(d.month()), d.day())
}

/// Days in `month` (1–12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    Month::try_from(month).map_or(0, |m| m.length(year))
}

/// Age in completed years on the day `on` of a person born on `birth` (born on 29 February: a year
/// older on 1 March in common years).
pub fn age(birth: Date, on: Date) -> i32 {
    let before_birthday = (u8::from(on.month()), on.day()) < (u8::from(birth.month()), birth.day());
    on.year() - birth.year() - i32::from(before_birthday)
}

/// Parses ISO `aaaa-mm-gg` exactly (four-digit year, two-digit month and day); `None` for anything
/// else or a date that does not exist.
pub fn parse_iso(s: &str) -> Option<Date> {
    // Read by hand: exports parse millions of dates and `time`'s format parser is slow.
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year as i32, month, day as u8).ok()
}

/// `aaaa-mm-gg`.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `gg/mm/aaaa`.
pub fn gg_mm_aaaa(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// An ISO date text `aaaa-mm-gg` as `gg/mm/aaaa`; `None` when it is not a valid ISO date.
pub fn iso_to_italian(iso: &str) -> Option<String> {
    parse_iso(iso).map(gg_mm_aaaa)
}

/// An ISO date text `aaaa-mm-gg` as `gg/mm/aaaa`; any other text unchanged.
pub fn italian(iso: &str) -> String {
    iso_to_italian(iso).unwrap_or_else(|| iso.to_string())
}

/// 1 to 4 ASCII digits.
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses a date as the operator types it: `gg/mm/aaaa`, `g/m/aaaa`, `gg/mm/aa`, also with `-` or
/// `.`, `ggmmaaaa`, `ggmmaa` and ISO `aaaa-mm-gg`. A two-digit year is placed in the latest century
/// that does not put the date after `today`; four-digit years start at 1800. The error is an Italian
/// sentence for the field.
pub fn parse_typed(input: &str, today: Date) -> Result<Date, String> {
    let s = input.trim();
    if !s.bytes().all(|b| b.is_ascii_digit() || b"/-.".contains(&b)) {
        return Err(MSG_DATE.to_string());
    }
    // From here on the text is ASCII, so byte slicing is safe.
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let (d, m, y, two_digit_year) = match parts.as_slice() {
        [a, b, c] if a.len() == 4 => (*c, *b, *a, false),
        [a, b, c] if a.len() <= 2 && b.len() <= 2 && (c.len() == 4 || c.len() == 2) => {
            (*a, *b, *c, c.len() == 2)
        }
        [one] if one.len() == 8 => (&one[..2], &one[2..4], &one[4..], false),
        [one] if one.len() == 6 => (&one[..2], &one[2..4], &one[4..], true),
        _ => return Err(MSG_DATE.to_string()),
    };
    let (Some(d), Some(m), Some(y)) = (digits(d), digits(m), digits(y)) else {
        return Err(MSG_DATE.to_string());
    };
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| MSG_DATE.to_string())?;
    let day = u8::try_from(d).map_err(|_| MSG_DATE.to_string())?;
    let build = |year: i32| Date::from_calendar_date(year, month, day);
    let date = if two_digit_year {
        let century = today.year().div_euclid(100) * 100;
        let candidate = century + y as i32;
        match build(candidate) {
            Ok(date) if date <= today => Ok(date),
            _ => build(candidate - 100),
        }
    } else {
        if y < 1800 {
            return Err(MSG_DATE.to_string());
        }
        build(y as i32)
    };
    date.map_err(|_| format!("Data non valida: il {d:02}/{m:02} non esiste in quell'anno"))
}

/// The time zone of the ente's desks.
pub const DESK_ZONE: &str = "Europe/Rome";

/// [`DESK_ZONE`]'s rule since 1996 (POSIX `TZ`), used when the system has no tz database.
const DESK_ZONE_RULE: &str = "CET-1CEST,M3.5.0,M10.5.0/3";

/// The desk's time zone, loaded once.
fn zone() -> &'static jiff::tz::TimeZone {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| {
        jiff::tz::TimeZone::get(DESK_ZONE).unwrap_or_else(|e| {
            tracing::warn!("fuso orario {DESK_ZONE} non trovato ({e}): uso la regola italiana");
            jiff::tz::TimeZone::posix(DESK_ZONE_RULE).unwrap_or(jiff::tz::TimeZone::UTC)
        })
    })
}

/// The desk's local time at `at` (same instant, the zone's offset).
pub fn local(at: OffsetDateTime) -> OffsetDateTime {
    let offset = jiff::Timestamp::from_second(at.unix_timestamp())
        .map(|t| zone().to_offset(t).seconds())
        .unwrap_or(0);
    at.to_offset(UtcOffset::from_whole_seconds(offset).unwrap_or(UtcOffset::UTC))
}

/// The desk's local time of a reading in milliseconds since the epoch (the epoch when out of range).
pub fn local_ms(ms: i64) -> OffsetDateTime {
    let at = OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        + time::Duration::milliseconds(ms.rem_euclid(1000));
    local(at)
}

/// The desk's date at a reading in milliseconds since the epoch: the "today" of `update`, of the
/// service calls and of the CLI.
pub fn today_at_ms(ms: i64) -> Date {
    local_ms(ms).date()
}

/// Milliseconds since the epoch (reads the clock).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// The desk's local time now (reads the clock).
pub fn now() -> OffsetDateTime {
    local_ms(now_ms())
}

/// The desk's date now (reads the clock).
pub fn today() -> Date {
    today_at_ms(now_ms())
}

/// A timestamp as stored in the `*_at` columns: RFC 3339 in UTC with milliseconds,
/// `2026-03-05T14:07:09.123Z`.
pub fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .unwrap_or_default()
}

/// [`timestamp`] of the current time (reads the clock).
pub fn now_timestamp() -> String {
    timestamp(OffsetDateTime::now_utc())
}

/// `gg/mm/aaaa hh:mm`, as printed on paper.
pub fn gg_mm_aaaa_hh_mm(at: OffsetDateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        gg_mm_aaaa(at.date()),
        at.hour(),
        at.minute()
    )
}

/// A stored [`timestamp`] as the desk reads it: local `gg/mm/aaaa hh:mm` (the text unchanged
/// when it is not a stored timestamp).
pub fn stored_local(ts: &str) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    match time::PrimitiveDateTime::parse(ts, format) {
        Ok(at) => gg_mm_aaaa_hh_mm(local(at.assume_utc())),
        Err(_) => ts.to_string(),
    }
}

/// `aaaammgg-hhmmss`, for file names that sort by time.
pub fn file_stamp(at: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// The Italian name of month `m` (1–12; out of range is clamped).
pub fn nome_mese(m: u8) -> &'static str {
    const MESI: [&str; 12] = [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ];
    MESI[usize::from(m.clamp(1, 12)) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    const TODAY: Date = date!(2026 - 05 - 14);

    #[test]
    fn iso_and_italian() {
        let d = date!(2026 - 03 - 05);
        assert_eq!(iso(d), "2026-03-05");
        assert_eq!(gg_mm_aaaa(d), "05/03/2026");
        assert_eq!(italian("2026-03-05"), "05/03/2026");
        assert_eq!(italian("marzo"), "marzo");
        assert_eq!(italian("2026-02-30"), "2026-02-30", "not a date: unchanged");
        assert_eq!(iso(date!(0999 - 01 - 02)), "0999-01-02");
        assert_eq!(gg_mm_aaaa(date!(0999 - 01 - 02)), "02/01/0999");
    }

    #[test]
    fn iso_parsing_is_exact() {
        assert_eq!(parse_iso("2026-03-05"), Some(date!(2026 - 03 - 05)));
        assert_eq!(parse_iso("2024-02-29"), Some(date!(2024 - 02 - 29)));
        for bad in [
            "",
            "2026-3-05",
            "2026-03-5",
            "26-03-05",
            "+2026-03-05",
            "+206-03-05",
            "-206-03-05",
            "2026-02-30",
            "2026-13-01",
            "2026-00-01",
            "2026/03/05",
            " 2026-03-05",
            "2026-03-05T10:00",
            "05/03/2026",
            "2026-03-0é",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
        for d in [date!(1850 - 01 - 01), date!(2000 - 02 - 29), TODAY] {
            assert_eq!(parse_iso(&iso(d)), Some(d));
            assert_eq!(iso_to_italian(&iso(d)), Some(gg_mm_aaaa(d)));
        }
    }

    #[test]
    fn tuples_and_month_lengths() {
        assert_eq!(ymd(date!(1980 - 07 - 03)), (1980, 7, 3));
        assert_eq!(from_ymd((1980, 7, 3)), Some(date!(1980 - 07 - 03)));
        assert_eq!(from_ymd((1981, 2, 29)), None);
        assert_eq!(from_ymd((1981, 13, 1)), None);
        assert_eq!(from_ymd((1981, 1, 0)), None);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2026, 4), 30);
        assert_eq!(days_in_month(2026, 12), 31);
        assert_eq!(days_in_month(2026, 13), 0);
        let born = date!(2008 - 02 - 29);
        assert_eq!(age(born, date!(2026 - 02 - 28)), 17);
        assert_eq!(age(born, date!(2026 - 03 - 01)), 18);
        assert_eq!(age(born, date!(2028 - 02 - 29)), 20);
        assert_eq!(age(date!(2008 - 11 - 29), date!(2026 - 11 - 29)), 18);
        assert_eq!(age(date!(2008 - 11 - 30), date!(2026 - 11 - 29)), 17);
    }

    #[test]
    fn dates_in_italian_formats() {
        assert_eq!(parse_typed("03/07/1981", TODAY), Ok(date!(1981 - 07 - 03)));
        assert_eq!(parse_typed("3/7/1981", TODAY), Ok(date!(1981 - 07 - 03)));
        assert_eq!(
            parse_typed(" 03-07-1981 ", TODAY),
            Ok(date!(1981 - 07 - 03))
        );
        assert_eq!(parse_typed("03.07.1981", TODAY), Ok(date!(1981 - 07 - 03)));
        assert_eq!(parse_typed("03071981", TODAY), Ok(date!(1981 - 07 - 03)));
        assert_eq!(parse_typed("1981-07-03", TODAY), Ok(date!(1981 - 07 - 03)));
        assert_eq!(parse_typed("29/02/2024", TODAY), Ok(date!(2024 - 02 - 29)));
    }

    #[test]
    fn two_digit_years_are_never_in_the_future() {
        assert_eq!(parse_typed("03/07/81", TODAY), Ok(date!(1981 - 07 - 03)));
        assert_eq!(parse_typed("01/01/26", TODAY), Ok(date!(2026 - 01 - 01)));
        assert_eq!(
            parse_typed("14/05/26", TODAY),
            Ok(date!(2026 - 05 - 14)),
            "today is not future"
        );
        assert_eq!(parse_typed("15/05/26", TODAY), Ok(date!(1926 - 05 - 15)));
        assert_eq!(parse_typed("01/01/00", TODAY), Ok(date!(2000 - 01 - 01)));
        assert_eq!(parse_typed("010199", TODAY), Ok(date!(1999 - 01 - 01)));
        assert_eq!(
            parse_typed("31/12/99", date!(2000 - 01 - 01)),
            Ok(date!(1999 - 12 - 31))
        );
        // 29/02/00 exists in 2000; 29/02/27 exists in neither candidate.
        assert_eq!(parse_typed("29/02/00", TODAY), Ok(date!(2000 - 02 - 29)));
        assert!(parse_typed("29/02/27", TODAY).is_err());
    }

    #[test]
    fn bad_dates_say_how_to_write_them() {
        for bad in [
            "",
            "3/7",
            "31-13-2000",
            "aa/bb/cccc",
            "1/1/123",
            "12345",
            "00/01/2000",
            "1/1/0999",
            "1//2000",
            "a𐀀a",
            "a𐀀a1234",
            "３/07/1981",
        ] {
            let e = parse_typed(bad, TODAY).unwrap_err();
            assert!(e.starts_with("Data non valida"), "{bad}: {e}");
        }
        assert_eq!(parse_typed("3/7", TODAY).unwrap_err(), MSG_DATE);
        assert_eq!(
            parse_typed("31/02/2023", TODAY).unwrap_err(),
            "Data non valida: il 31/02 non esiste in quell'anno"
        );
    }

    fn ms(at: OffsetDateTime) -> i64 {
        (at.unix_timestamp_nanos() / 1_000_000) as i64
    }

    #[test]
    fn the_desk_day_is_italian() {
        // 23:30 UTC on 31 December is 00:30 on 1 January in Italy.
        let new_year = ms(datetime!(2026-12-31 23:30 UTC));
        assert_eq!(today_at_ms(new_year), date!(2027 - 01 - 01));
        assert_eq!(
            gg_mm_aaaa_hh_mm(local_ms(new_year)),
            "01/01/2027 00:30",
            "printed times are local"
        );
        assert_eq!(file_stamp(local_ms(new_year)), "20270101-003000");
        assert_eq!(
            stored_local(&timestamp(datetime!(2026-12-31 23:30 UTC))),
            "01/01/2027 00:30",
            "stored timestamps are read in local time"
        );
        assert_eq!(stored_local("non una data"), "non una data");
        // Winter: UTC+1 from 23:00 UTC; summer (CEST): UTC+2 from 22:00 UTC.
        assert_eq!(
            today_at_ms(ms(datetime!(2026-03-05 22:59:59.999 UTC))),
            date!(2026 - 03 - 05)
        );
        assert_eq!(
            today_at_ms(ms(datetime!(2026-03-05 23:00 UTC))),
            date!(2026 - 03 - 06)
        );
        assert_eq!(
            today_at_ms(ms(datetime!(2026-07-14 21:59 UTC))),
            date!(2026 - 07 - 14)
        );
        assert_eq!(
            today_at_ms(ms(datetime!(2026-07-14 22:00 UTC))),
            date!(2026 - 07 - 15)
        );
        // The switch to summer time, last Sunday of March at 01:00 UTC.
        let before = local(datetime!(2026-03-29 00:59 UTC));
        let after = local(datetime!(2026-03-29 01:00 UTC));
        assert_eq!((before.hour(), after.hour()), (1, 3));
        assert_eq!(today_at_ms(-1), date!(1970 - 01 - 01), "01:00 in Rome");
        assert_eq!(today_at_ms(i64::MAX), date!(1970 - 01 - 01));
        // The clock: the local date is today's in UTC or the day after.
        let utc = OffsetDateTime::now_utc().date();
        assert!([utc, utc.next_day().unwrap()].contains(&today()));
    }

    #[test]
    fn the_built_in_rule_is_the_tz_database_s() {
        let rule = jiff::tz::TimeZone::posix(DESK_ZONE_RULE).unwrap();
        let db = jiff::tz::TimeZone::get(DESK_ZONE).expect("the test machine has tzdata");
        for day in 0..3650 {
            let t = jiff::Timestamp::from_second(1_767_225_600 + day * 86_400 + 3_600).unwrap();
            assert_eq!(rule.to_offset(t), db.to_offset(t), "{t}");
        }
    }

    #[test]
    fn clock_readings_and_timestamps() {
        let at = datetime!(2026-03-05 14:07:09.123456 +01:00);
        assert_eq!(timestamp(at), "2026-03-05T13:07:09.123Z");
        assert_eq!(
            timestamp(datetime!(2026-03-05 00:00 UTC)),
            "2026-03-05T00:00:00.000Z"
        );
        assert_eq!(gg_mm_aaaa_hh_mm(at), "05/03/2026 14:07");
        assert_eq!(file_stamp(at), "20260305-140709");
        let now = now_timestamp();
        assert_eq!((now.len(), &now[10..11], &now[23..]), (24, "T", "Z"));
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;
        use time::macros::date;

        proptest! {
            #[test]
            fn parsers_never_panic(s in ".{0,40}") {
                let _ = parse_typed(&s, date!(2026 - 05 - 14));
                let _ = parse_iso(&s);
                let _ = italian(&s);
            }

            #[test]
            fn every_date_round_trips(day in 0i32..200_000) {
                let d = date!(1800 - 01 - 01) + time::Duration::days(day.into());
                prop_assert_eq!(parse_iso(&iso(d)), Some(d));
                prop_assert_eq!(parse_typed(&gg_mm_aaaa(d), date!(2026 - 05 - 14)), Ok(d));
                prop_assert_eq!(from_ymd(ymd(d)), Some(d));
            }
        }
    }
}
