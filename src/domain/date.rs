//! Dates as the program stores and shows them: ISO `aaaa-mm-gg` text in the database and records,
//! `gg/mm/aaaa` on screen and on paper.

/// `aaaa-mm-gg`.
pub fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// `aaaa-mm-gg` → `gg/mm/aaaa`; other text unchanged.
pub fn italian(iso: &str) -> String {
    super::search_query::gg_mm_aaaa(iso).unwrap_or_else(|| iso.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_and_italian() {
        let d = time::Date::from_calendar_date(2026, time::Month::March, 5).unwrap();
        assert_eq!(super::iso(d), "2026-03-05");
        assert_eq!(super::italian("2026-03-05"), "05/03/2026");
        assert_eq!(super::italian("marzo"), "marzo");
    }
}
