//! Table-driven tests: (sentence, DCT, expected expression, type, value).

use super::*;

fn tagger() -> &'static TimeTagger {
    static T: LazyLock<TimeTagger> = LazyLock::new(|| TimeTagger::new().expect("built-in rules"));
    &T
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// Each case: text, DCT, the expression that must be found (exact span), its type and value.
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    // the seed article, DCT Monday 2025-05-05
    ("The effort took a bold turn this week, with the former president revealing it.", "2025-05-05", "this week", "DATE", "2025-W19"),
    ("Trump told reporters Sunday aboard Air Force One.", "2025-05-05", "Sunday", "DATE", "2025-05-04"),
    ("Trump said he extended the offer during a phone call last month.", "2025-05-05", "last month", "DATE", "2025-04"),
    ("Trump has prioritized this issue since retaking office in January.", "2025-05-05", "January", "DATE", "2025-01"),
    ("Notably, in February, Trump designated multiple cartels.", "2025-05-05", "February", "DATE", "2025-02"),
    // a month named in a future-tense clause is the next one, however far (DCT 1998-03-04)
    ("Collins will be named commander of the shuttle for a mission in December.", "1998-03-04", "December", "DATE", "1998-12"),
    ("Collins flew a mission in December.", "1998-03-04", "December", "DATE", "1997-12"),
    // "the previous Friday": the Friday before the day the story is at (DCT Monday 1989-10-30)
    ("Shares closed Friday at 2082.1, down 4.5% from the previous Friday.", "1989-10-30", "the previous Friday", "DATE", "1989-10-20"),
    ("Shares closed Friday at 2082.1, up from the following Monday.", "1989-10-30", "the following Monday", "DATE", "1989-10-30"),
    // "will one day be": some time to come; "for one day" a length
    ("Islam will one day be the second largest religion.", "1998-03-03", "one day", "DATE", "FUTURE_REF"),
    ("The strike lasted one day.", "1998-03-03", "one day", "DURATION", "P1D"),
    // a present perfect reports the past; "next to" is a place (DCT Saturday 1998-08-08)
    ("More than 100 people have been killed in the blasts next to the U.S. embassies on Friday.", "1998-08-08", "Friday", "DATE", "1998-08-07"),
    // days known by name (vocab.toml [named_days]), whatever the DCT
    ("The Allies landed in Normandy on D-Day.", "2025-05-05", "D-Day", "DATE", "1944-06-06"),
    ("Security changed after 9/11.", "2025-05-05", "9/11", "DATE", "2001-09-11"),
    ("Crowds celebrated V-E Day in London.", "2025-05-05", "V-E Day", "DATE", "1945-05-08"),
    ("Markets have not fallen so fast since Black Monday.", "2008-10-10", "Black Monday", "DATE", "1987-10-19"),
    // clock times with zones: an abbreviation, an explicit offset, a day after the zone
    ("The plane landed at 21:40 UTC.", "2008-03-06", "21:40 UTC", "TIME", "2008-03-06T21:40Z"),
    ("The blast came at 9:15 a.m. (GMT-5), police said.", "2008-03-06", "9:15 a.m. (GMT-5)", "TIME", "2008-03-06T09:15-05"),
    ("The vote closed at 11:05 GMT on Tuesday.", "2008-03-06", "11:05 GMT on Tuesday", "TIME", "2008-03-04T11:05Z"),
    ("The call began at 14:00 (UTC+05:30).", "2008-03-06", "14:00 (UTC+05:30)", "TIME", "2008-03-06T14:00+05:30"),
    ("Trading opened at 9:30 a.m. EST.", "2008-03-06", "9:30 a.m. EST", "TIME", "2008-03-06T09:30-05"),
    // composition: a quarter of a relative year; a number and a half of a unit
    ("Sales fell in the second quarter of last year.", "2008-03-06", "the second quarter of last year", "DATE", "2007-Q2"),
    ("Output rises in the fourth quarter of next year.", "2008-03-06", "the fourth quarter of next year", "DATE", "2009-Q4"),
    ("It took nearly three and a half years.", "2008-03-06", "nearly three and a half years", "DURATION", "P3Y6M"),
    ("They lived in the camps for 2 1/2 years.", "1998-02-27", "2 1/2 years", "DURATION", "P2Y6M"),
    ("A minute and a half later, a pilot radioed.", "1998-01-14", "A minute and a half", "DURATION", "PT1M30S"),
    ("The talks lasted a day and a half.", "1998-01-14", "a day and a half", "DURATION", "P1DT12H"),
    ("It will not change for a couple of years.", "1998-01-08", "a couple of years", "DURATION", "P2Y"),
    ("They waited two and a half hours.", "2008-03-06", "two and a half hours", "DURATION", "PT2H30M"),
    ("She spent about 5 1/2 hours in Nairobi.", "1998-08-17", "about 5 1/2 hours", "DURATION", "PT5H30M"),
    // composition: a unit of a relative frame ("the same week a year earlier", "the first week of
    // June"), partial periods ("later this month"), periods before or after the reference
    ("Sales rose in the same week a year earlier.", "2008-03-06", "the same week a year earlier", "DATE", "2007-W10"),
    ("Sales matched the same month last year.", "2008-03-06", "the same month last year", "DATE", "2007-03"),
    ("Profit doubled from the same quarter two years ago.", "2008-03-06", "the same quarter two years ago", "DATE", "2006-Q1"),
    ("Profit doubled from the same period two years ago.", "2008-03-06", "the same period two years ago", "DATE", "2006"),
    ("The store opens in the first week of June.", "2008-03-06", "the first week of June", "DATE", "2008-W23"),
    ("Prices fell in the last week of February.", "2008-03-06", "the last week of February", "DATE", "2008-W09"),
    ("It will close by the end of this year.", "2008-03-06", "the end of this year", "DATE", "2008"),
    ("It was built at the start of the decade.", "2008-03-06", "the start of the decade", "DATE", "200"),
    ("The vote is due later this month.", "2008-03-06", "later this month", "DATE", "2008-03"),
    ("Shares fell earlier this year.", "2008-03-06", "earlier this year", "DATE", "2008"),
    ("He had resigned the month before.", "2008-03-06", "the month before", "DATE", "2008-02"),
    ("Sales in the latest period were $1.76 billion.", "1989-11-02", "the latest period", "DATE", "1989-Q3"),
    ("It forecast an increase for the full year.", "1989-11-02", "the full year", "DATE", "1989"),
    ("The talks are set to resume Monday in Belfast.", "1998-03-22", "Monday", "DATE", "1998-03-23"),
    ("She returned the year after.", "2008-03-06", "the year after", "DATE", "2009"),
    // ranges are two DATEs, as TimeML annotates them; vague spans are durations of unknown length
    ("He served from 2012 to 2015.", "2025-05-05", "2015", "DATE", "2015"),
    ("The plan ran 2012–2015.", "2025-05-05", "2012", "DATE", "2012"),
    ("The plan ran 2012–2015.", "2025-05-05", "2015", "DATE", "2015"),
    ("The war lasted between 1998 and 2001.", "2025-05-05", "1998", "DATE", "1998"),
    ("The feud has lasted for centuries.", "2025-05-05", "centuries", "DURATION", "PXCE"),
    ("Tensions built over several decades.", "2025-05-05", "several decades", "DURATION", "PXDE"),
    // general cases
    ("They met on Sunday.", "2025-05-10", "Sunday", "DATE", "2025-05-04"),
    ("They will meet on Saturday.", "2025-05-11", "Saturday", "DATE", "2025-05-17"),
    ("They meet on Saturday.", "2025-05-11", "Saturday", "DATE", "2025-05-10"),
    ("They ate turkey on Thanksgiving Day.", "2025-12-01", "Thanksgiving Day", "DATE", "2025-11-27"),
    ("They met on Christmas.", "2025-12-28", "Christmas", "DATE", "2025-12-25"),
    ("They will meet on Christmas Eve.", "2025-12-10", "Christmas Eve", "DATE", "2025-12-24"),
    ("Voters went to the polls on Election Day.", "1998-11-05", "Election Day", "DATE", "1998-11-03"),
    ("He returned on Easter Sunday.", "2025-04-25", "Easter Sunday", "DATE", "2025-04-20"),
    ("He returned on Good Friday.", "2024-04-02", "Good Friday", "DATE", "2024-03-29"),
    ("Parades marked Labor Day 2019.", "2025-05-05", "Labor Day 2019", "DATE", "2019-09-02"),
    ("Crowds gathered on Memorial Day.", "2025-06-01", "Memorial Day", "DATE", "2025-05-26"),
    ("It happened in nineteen ninety-six.", "2025-05-05", "nineteen ninety-six", "DATE", "1996"),
    ("It happened in the year two thousand.", "2025-05-05", "the year two thousand", "DATE", "2000"),
    ("It happened in nineteen hundred and forty.", "2025-05-05", "nineteen hundred and forty", "DATE", "1940"),
    ("They rested over the weekend.", "2025-05-05", "the weekend", "DATE", "2025-W18-WE"),
    ("They will rest over the weekend.", "2025-05-05", "the weekend", "DATE", "2025-W19-WE"),
    ("The talks ended last week.", "2025-05-05", "last week", "DATE", "2025-W18"),
    ("The talks resume next week.", "2025-05-05", "next week", "DATE", "2025-W20"),
    ("Sales rose last year.", "2025-05-05", "last year", "DATE", "2024"),
    ("Sales will rise next year.", "2025-05-05", "next year", "DATE", "2026"),
    ("Profits fell this year.", "2025-05-05", "this year", "DATE", "2025"),
    ("Profits fell this month.", "2025-05-05", "this month", "DATE", "2025-05"),
    ("He will return next month.", "2025-05-05", "next month", "DATE", "2025-06"),
    ("He arrived yesterday.", "2025-05-05", "yesterday", "DATE", "2025-05-04"),
    ("He leaves tomorrow.", "2025-05-05", "tomorrow", "DATE", "2025-05-06"),
    ("He spoke today.", "2025-05-05", "today", "DATE", "2025-05-05"),
    ("He spoke late yesterday.", "2025-05-05", "late yesterday", "DATE", "2025-05-04"),
    ("The deal closed two years ago.", "2025-05-05", "two years ago", "DATE", "2023"),
    ("The deal closed three days ago.", "2025-05-05", "three days ago", "DATE", "2025-05-02"),
    ("The deal closed a decade ago.", "2025-05-05", "a decade ago", "DATE", "201"),
    ("The deal closed two months ago.", "2025-05-05", "two months ago", "DATE", "2025-03"),
    ("The deal closed two weeks ago.", "2025-05-05", "two weeks ago", "DATE", "2025-W17"),
    ("It will open three days later.", "2025-05-05", "three days later", "DATE", "2025-05-08"),
    ("It opened several years ago.", "2025-05-05", "several years ago", "DATE", "PAST_REF"),
    ("The strike lasted three days.", "2025-05-05", "three days", "DURATION", "P3D"),
    ("The strike lasted two hours.", "2025-05-05", "two hours", "DURATION", "PT2H"),
    ("The strike lasted 45 minutes.", "2025-05-05", "45 minutes", "DURATION", "PT45M"),
    ("The strike lasted 30 seconds.", "2025-05-05", "30 seconds", "DURATION", "PT30S"),
    ("The war lasted a decade.", "2025-05-05", "a decade", "DURATION", "P10Y"),
    ("The war lasted two decades.", "2025-05-05", "two decades", "DURATION", "P20Y"),
    ("The war lasted a century.", "2025-05-05", "a century", "DURATION", "P100Y"),
    ("The contract runs five years.", "2025-05-05", "five years", "DURATION", "P5Y"),
    ("It signed a 30-year lease.", "2025-05-05", "30-year", "DURATION", "P30Y"),
    ("It signed a two-year deal.", "2025-05-05", "two-year", "DURATION", "P2Y"),
    ("It took twenty four hours.", "2025-05-05", "twenty four hours", "DURATION", "PT24H"),
    ("It took twenty-four hours.", "2025-05-05", "twenty-four hours", "DURATION", "PT24H"),
    ("It took a few days.", "2025-05-05", "a few days", "DURATION", "PXD"),
    ("It took several weeks.", "2025-05-05", "several weeks", "DURATION", "PXW"),
    ("It took months.", "2025-05-05", "months", "DURATION", "PXM"),
    ("It lasted the past three months.", "2025-05-05", "the past three months", "DURATION", "P3M"),
    ("It will last the next two years.", "2025-05-05", "the next two years", "DURATION", "P2Y"),
    ("It lasted half an hour.", "2025-05-05", "half an hour", "DURATION", "PT30M"),
    ("It lasted a fortnight.", "2025-05-05", "a fortnight", "DURATION", "P2W"),
    ("It lasted nearly two years.", "2025-05-05", "nearly two years", "DURATION", "P2Y"),
    // a year given by its end date: a DURATION, the date its own DATE
    ("Net income for the year ended Aug. 31 rose.", "1989-10-27", "the year", "DURATION", "P1Y"),
    ("In the fiscal year ended Jan. 31, it earned $2 million.", "1989-10-27", "the fiscal year", "DURATION", "P1Y"),
    ("It expects a loss for the year ending tomorrow.", "1989-10-27", "the year", "DURATION", "P1Y"),
    ("Net income for the year ended Aug. 31 rose.", "1989-10-27", "Aug. 31", "DATE", "1989-08-31"),
    // "the year" alone: the year under discussion, the DCT's
    ("For the year, pet food volume was flat.", "1989-10-27", "the year", "DATE", "1989"),
    ("Sales rose in the first nine months of the year.", "1989-10-27", "the year", "DATE", "1989"),
    ("It lasted 2.5 years.", "2025-05-05", "2.5 years", "DURATION", "P2Y6M"),
    ("Prices fell over the last few months.", "2025-05-05", "the last few months", "DATE", "PAST_REF"),
    ("Prices will rise over the next few weeks.", "2025-05-05", "the next few weeks", "DURATION", "PXW"),
    ("Losses mounted in the last few months.", "2025-05-05", "the last few months", "DATE", "PAST_REF"),
    ("Prices are high now.", "2025-05-05", "now", "DATE", "PRESENT_REF"),
    ("Prices are currently high.", "2025-05-05", "currently", "DATE", "PRESENT_REF"),
    ("Prices rose recently.", "2025-05-05", "recently", "DATE", "PAST_REF"),
    ("Prices may rise in the future.", "2025-05-05", "the future", "DATE", "FUTURE_REF"),
    ("Prices may rise in the near future.", "2025-05-05", "the near future", "DATE", "FUTURE_REF"),
    ("Prices have risen in recent years.", "2025-05-05", "recent years", "DURATION", "PXY"),
    ("Officials voiced concerns in recent months.", "2025-05-05", "recent months", "DURATION", "PXM"),
    ("It was founded in 1998.", "2025-05-05", "1998", "DATE", "1998"),
    ("It was founded in the 1990s.", "2025-05-05", "the 1990s", "DATE", "199"),
    ("It was founded in the mid-1990s.", "2025-05-05", "the mid-1990s", "DATE", "199"),
    ("It was founded in the early 1990s.", "2025-05-05", "the early 1990s", "DATE", "199"),
    ("It was founded in the '90s.", "2025-05-05", "the '90s", "DATE", "199"),
    ("It was founded in the nineties.", "2025-05-05", "the nineties", "DATE", "199"),
    ("It was founded in the 20th century.", "2025-05-05", "the 20th century", "DATE", "19"),
    ("It was founded in the nineteenth century.", "2025-05-05", "the nineteenth century", "DATE", "18"),
    ("It was founded on March 6, 2008.", "2025-05-05", "March 6, 2008", "DATE", "2008-03-06"),
    ("It was founded on March 06, 2008.", "2025-05-05", "March 06, 2008", "DATE", "2008-03-06"),
    ("It was founded on Jan. 24, 2000.", "2025-05-05", "Jan. 24, 2000", "DATE", "2000-01-24"),
    ("It was founded on Sept. 2, 1998.", "2025-05-05", "Sept. 2, 1998", "DATE", "1998-09-02"),
    ("It was founded on 6 March 2008.", "2025-05-05", "6 March 2008", "DATE", "2008-03-06"),
    ("It was founded on the 6th of March 2008.", "2025-05-05", "the 6th of March 2008", "DATE", "2008-03-06"),
    ("It was founded on 2008-03-06.", "2025-05-05", "2008-03-06", "DATE", "2008-03-06"),
    ("It was founded on 3/6/2008.", "2025-05-05", "3/6/2008", "DATE", "2008-03-06"),
    ("It was founded in March 2008.", "2025-05-05", "March 2008", "DATE", "2008-03"),
    ("It was founded in July of 1997.", "2025-05-05", "July of 1997", "DATE", "1997-07"),
    ("It was founded in late 2008.", "2025-05-05", "late 2008", "DATE", "2008"),
    ("It was founded at the end of 2008.", "2025-05-05", "the end of 2008", "DATE", "2008"),
    ("It was founded in early March 2008.", "2025-05-05", "early March 2008", "DATE", "2008-03"),
    ("It happened on Feb. 29, 2024.", "2025-05-05", "Feb. 29, 2024", "DATE", "2024-02-29"),
    ("It happened on Dec. 31, 1999.", "2025-05-05", "Dec. 31, 1999", "DATE", "1999-12-31"),
    ("It happened on May 1.", "2025-05-05", "May 1", "DATE", "2025-05-01"),
    ("It happened on April 28.", "2025-05-05", "April 28", "DATE", "2025-04-28"),
    ("It will happen on May 20.", "2025-05-05", "May 20", "DATE", "2025-05-20"),
    ("It happened on Dec. 28.", "2025-01-03", "Dec. 28", "DATE", "2024-12-28"),
    ("It will happen on Jan. 14.", "2024-12-30", "Jan. 14", "DATE", "2025-01-14"),
    ("It happened in January.", "2025-05-05", "January", "DATE", "2025-01"),
    ("It happened in December.", "2025-05-05", "December", "DATE", "2024-12"),
    ("It happened in December.", "2025-01-20", "December", "DATE", "2024-12"),
    ("It will happen in June.", "2025-05-05", "June", "DATE", "2025-06"),
    ("It happened last February.", "2025-05-05", "last February", "DATE", "2025-02"),
    ("It happened last June.", "2025-05-05", "last June", "DATE", "2024-06"),
    ("It will happen next January.", "2025-05-05", "next January", "DATE", "2026-01"),
    ("It happened in mid-November.", "2025-12-10", "mid-November", "DATE", "2025-11"),
    ("It happened in late November.", "2025-12-10", "late November", "DATE", "2025-11"),
    ("It happened in early September.", "2025-12-10", "early September", "DATE", "2025-09"),
    ("He said Tuesday that prices rose.", "2025-05-08", "Tuesday", "DATE", "2025-05-06"),
    ("He spoke on Sunday.", "2025-05-05", "Sunday", "DATE", "2025-05-04"),
    ("He spoke Monday.", "2025-05-05", "Monday", "DATE", "2025-05-05"),
    ("He will speak on Friday.", "2025-05-05", "Friday", "DATE", "2025-05-09"),
    ("He spoke on Friday.", "2025-05-05", "Friday", "DATE", "2025-05-02"),
    ("He spoke last Friday.", "2025-05-05", "last Friday", "DATE", "2025-05-02"),
    ("He will speak next Tuesday.", "2025-05-05", "next Tuesday", "DATE", "2025-05-06"),
    ("He will speak next Monday.", "2025-05-05", "next Monday", "DATE", "2025-05-12"),
    ("The appointment is effective Feb. 1.", "1989-11-02", "Feb. 1", "DATE", "1990-02-01"),
    ("The loans remain available until January.", "1989-11-02", "January", "DATE", "1990-01"),
    ("Output was cut in January.", "1989-11-02", "January", "DATE", "1989-01"),
    ("He spoke Sunday night.", "2025-05-05", "Sunday night", "DATE", "2025-05-04"),
    ("He spoke on Saturday morning.", "2025-05-05", "Saturday morning", "DATE", "2025-05-03"),
    ("He spoke this morning.", "2025-05-05", "this morning", "TIME", "2025-05-05TMO"),
    ("He spoke yesterday afternoon.", "2025-05-05", "yesterday afternoon", "TIME", "2025-05-04TAF"),
    ("He will speak tomorrow evening.", "2025-05-05", "tomorrow evening", "TIME", "2025-05-06TEV"),
    ("He will speak tonight.", "2025-05-05", "tonight", "TIME", "2025-05-05TNI"),
    ("He spoke last night.", "2025-05-05", "last night", "TIME", "2025-05-04TNI"),
    ("He spoke at 5 p.m.", "2025-05-05", "5 p.m.", "TIME", "2025-05-05T17:00"),
    ("He spoke at 5:30 p.m. EDT.", "2025-05-05", "5:30 p.m. EDT", "TIME", "2025-05-05T17:30-04"),
    ("He spoke at 10 a.m. EST.", "2025-05-05", "10 a.m. EST", "TIME", "2025-05-05T10:00-05"),
    ("He spoke at 9:15 am.", "2025-05-05", "9:15 am", "TIME", "2025-05-05T09:15"),
    ("He spoke at 12 p.m.", "2025-05-05", "12 p.m.", "TIME", "2025-05-05T12:00"),
    ("He spoke at 12 a.m.", "2025-05-05", "12 a.m.", "TIME", "2025-05-05T00:00"),
    ("He spoke at 14:30 GMT.", "2025-05-05", "14:30 GMT", "TIME", "2025-05-05T14:30Z"),
    ("He spoke at noon.", "2025-05-05", "noon", "TIME", "2025-05-05T12:00"),
    ("He spoke at midnight Friday.", "2025-05-05", "midnight Friday", "TIME", "2025-05-02T24"),
    ("He spoke at noon Thursday.", "2025-05-09", "noon Thursday", "TIME", "2025-05-08T12:00"),
    ("He spoke at 3 p.m. Friday.", "2025-05-05", "3 p.m. Friday", "TIME", "2025-05-02T15:00"),
    ("It meets every week.", "2025-05-05", "every week", "SET", "P1W"),
    ("It meets every day.", "2025-05-05", "every day", "SET", "P1D"),
    ("It meets each year.", "2025-05-05", "each year", "SET", "P1Y"),
    ("It meets every two weeks.", "2025-05-05", "every two weeks", "SET", "P2W"),
    ("It meets every other month.", "2025-05-05", "every other month", "SET", "P2M"),
    ("It meets daily.", "2025-05-05", "daily", "SET", "P1D"),
    ("It meets weekly.", "2025-05-05", "weekly", "SET", "P1W"),
    ("It meets monthly.", "2025-05-05", "monthly", "SET", "P1M"),
    ("It meets hourly.", "2025-05-05", "hourly", "SET", "PT1H"),
    ("It meets on Sundays.", "2025-05-05", "Sundays", "SET", "XXXX-WXX-7"),
    ("It meets every Tuesday.", "2025-05-05", "every Tuesday", "SET", "XXXX-WXX-2"),
    ("It meets Tuesday nights.", "2025-05-05", "Tuesday nights", "SET", "XXXX-WXX-2TNI"),
    ("It meets each July.", "2025-05-05", "each July", "SET", "XXXX-07"),
    ("It meets twice a year.", "2025-05-05", "twice a year", "SET", "P1Y"),
    // the DCT is in Q2: a third quarter reported in the past tense is last year's
    ("Profit rose in the third quarter.", "2025-05-05", "the third quarter", "DATE", "2024-Q3"),
    ("Profit rose in the first quarter of 2024.", "2025-05-05", "the first quarter of 2024", "DATE", "2024-Q1"),
    ("Profit rose in the fourth quarter of fiscal 2024.", "2025-05-05", "the fourth quarter of fiscal 2024", "DATE", "2024-Q4"),
    ("Third-quarter profit rose.", "2025-05-05", "Third-quarter", "DATE", "2024-Q3"),
    ("Profit rose in Q3.", "2025-05-05", "Q3", "DATE", "2024-Q3"),
    ("Profit rose in Q3 2024.", "2025-05-05", "Q3 2024", "DATE", "2024-Q3"),
    ("Profit rose last quarter.", "2025-05-05", "last quarter", "DATE", "2025-Q1"),
    ("Profit will rise next quarter.", "2025-05-05", "next quarter", "DATE", "2025-Q3"),
    ("Profit rose this quarter.", "2025-05-05", "this quarter", "DATE", "2025-Q2"),
    ("Profit rose in 1989's third quarter.", "1989-10-26", "1989's third quarter", "DATE", "1989-Q3"),
    ("Profit rose in fiscal 2024.", "2025-05-05", "fiscal 2024", "DATE", "2024"),
    ("Profit rose in FY2024.", "2025-05-05", "FY2024", "DATE", "2024"),
    ("Profit rose in the first half of 2024.", "2025-05-05", "the first half of 2024", "DATE", "2024-H1"),
    ("Profit rose in the second half of 2024.", "2025-05-05", "the second half of 2024", "DATE", "2024-H2"),
    ("It happened last summer.", "2025-05-05", "last summer", "DATE", "2024-SU"),
    ("It will happen next spring.", "2025-05-05", "next spring", "DATE", "2026-SP"),
    ("It happened this winter.", "2025-05-05", "this winter", "DATE", "2025-WI"),
    ("It happened in the summer of 1998.", "2025-05-05", "the summer of 1998", "DATE", "1998-SU"),
    ("It happened in spring 2020.", "2025-05-05", "spring 2020", "DATE", "2020-SP"),
    ("It happened this weekend.", "2025-05-07", "this weekend", "DATE", "2025-W19-WE"),
    ("It happened last weekend.", "2025-05-07", "last weekend", "DATE", "2025-W18-WE"),
    ("It rises by year-end.", "2025-05-05", "year-end", "DATE", "2025-12-31"),
    ("It rises by the end of the year.", "2025-05-05", "the end of the year", "DATE", "2025"),
    ("It rises by year end.", "2025-05-05", "year end", "DATE", "2025"),
    ("It fell earlier this year.", "2025-05-05", "earlier this year", "DATE", "2025"),
    ("It fell earlier this month.", "2025-05-05", "earlier this month", "DATE", "2025-05"),
    ("It will fall later this month.", "2025-05-05", "later this month", "DATE", "2025-05"),
    ("It will fall early next year.", "2025-05-05", "early next year", "DATE", "2026"),
    ("It fell a year ago.", "2025-05-05", "a year ago", "DATE", "2024"),
    ("It fell a year earlier.", "2025-05-05", "a year earlier", "DATE", "2024"),
    ("It fell one week ago.", "2025-05-05", "one week ago", "DATE", "2025-W18"),
    ("The year 2000 came.", "2025-05-05", "The year 2000", "DATE", "2000"),
    ("It happened in 2019.", "2025-05-05", "2019", "DATE", "2019"),
    ("It happened since 2019.", "2025-05-05", "2019", "DATE", "2019"),
    ("It happened on Feb. 29.", "2025-03-01", "Feb. 29", "DATE", "2024-02-29"),
    ("It happened last week.", "2025-01-01", "last week", "DATE", "2024-W52"),
    ("It will happen next month.", "2024-12-15", "next month", "DATE", "2025-01"),
    ("It happened last month.", "2025-01-10", "last month", "DATE", "2024-12"),
    ("It happens this week.", "2021-01-01", "this week", "DATE", "2020-W53"),
    ("It happened yesterday.", "2025-01-01", "yesterday", "DATE", "2024-12-31"),
    ("It happened yesterday.", "2024-03-01", "yesterday", "DATE", "2024-02-29"),
    ("It will happen tomorrow.", "2024-12-31", "tomorrow", "DATE", "2025-01-01"),
    ("It happened last year.", "2025-01-01", "last year", "DATE", "2024"),
    ("It happened in December.", "2025-01-02", "December", "DATE", "2024-12"),
    ("It will happen in January.", "2024-12-20", "January", "DATE", "2025-01"),
    ("It happened on Friday.", "2025-01-01", "Friday", "DATE", "2024-12-27"),
    ("It happened last quarter.", "2025-01-15", "last quarter", "DATE", "2024-Q4"),
    ("It happened two years ago.", "2024-02-29", "two years ago", "DATE", "2022"),
    ("It happened 10 years ago.", "2025-05-05", "10 years ago", "DATE", "2015"),
    ("It happened in the 1980s.", "2025-05-05", "the 1980s", "DATE", "198"),
    ("It happened in the 2010s.", "2025-05-05", "the 2010s", "DATE", "201"),
    ("It happened in the 21st century.", "2025-05-05", "the 21st century", "DATE", "20"),
    ("It happened on Sunday, May 4, 2025.", "2025-05-05", "Sunday, May 4, 2025", "DATE", "2025-05-04"),
    ("It happened on 4 May.", "2025-05-05", "4 May", "DATE", "2025-05-04"),
    ("It happened on Nov. 3, 1998.", "2025-05-05", "Nov. 3, 1998", "DATE", "1998-11-03"),
    ("It happened on 11/3/98.", "2025-05-05", "11/3/98", "DATE", "1998-11-03"),
    ("It happened in Sept. 1998.", "2025-05-05", "Sept. 1998", "DATE", "1998-09"),
    ("They met on Tuesday night.", "2025-05-08", "Tuesday night", "DATE", "2025-05-06"),
    ("They spent 18 months there.", "2025-05-05", "18 months", "DURATION", "P18M"),
    ("They spent 90 days there.", "2025-05-05", "90 days", "DURATION", "P90D"),
    ("They spent 10-hour shifts.", "2025-05-05", "10-hour", "DURATION", "PT10H"),
    ("They spent two weekends there.", "2025-05-05", "two weekends", "DURATION", "P2WE"),
    ("They spent up to 180 days there.", "2025-05-05", "up to 180 days", "DURATION", "P180D"),
    ("They spent more than three years there.", "2025-05-05", "more than three years", "DURATION", "P3Y"),
    ("They spent a year there.", "2025-05-05", "a year", "DURATION", "P1Y"),
    ("They spent a week there.", "2025-05-05", "a week", "DURATION", "P1W"),
    ("They spent one day there.", "2025-05-05", "one day", "DURATION", "P1D"),
    ("It is the best in a decade.", "2025-05-05", "a decade", "DURATION", "P10Y"),
    ("It was the worst in decades.", "2025-05-05", "decades", "DURATION", "PXDE"),
    ("It was the worst in years.", "2025-05-05", "years", "DURATION", "PXY"),
    // a clock time with its date; spelled-out years; days of the month in words
    ("The offer expires at 5 p.m. EST Nov. 9.", "1989-11-02", "5 p.m. EST Nov. 9", "TIME", "1989-11-09T17:00-05"),
    ("The offer runs until 5 p.m. EST, Nov. 6.", "1989-10-30", "5 p.m. EST, Nov. 6", "TIME", "1989-11-06T17:00-05"),
    ("It closes at 9 a.m. on Jan. 3, 2026.", "2025-12-20", "9 a.m. on Jan. 3, 2026", "TIME", "2026-01-03T09:00"),
    ("A bomb went off in January nineteen ninety-seven.", "1998-02-27", "January nineteen ninety-seven", "DATE", "1997-01"),
    ("Prices fell in the winter of nineteen ninety-four.", "1998-02-23", "the winter of nineteen ninety-four", "DATE", "1994-WI"),
    ("They met on March the twenty-first.", "2025-05-05", "March the twenty-first", "DATE", "2025-03-21"),
    ("Women's Day is on March eighth.", "1998-03-05", "March eighth", "DATE", "1998-03-08"),
    ("Then, a week or so ago, he picked the date.", "1991-02-25", "a week or so ago", "DATE", "1991-W08"),
    // an ordinal quarter without a year: the latest one unless the clause looks ahead
    ("Profits fell 18 percent for the fourth quarter.", "1998-01-26", "the fourth quarter", "DATE", "1997-Q4"),
    ("Profits will rise in the fourth quarter.", "1998-01-26", "the fourth quarter", "DATE", "1998-Q4"),
    ("Profits rose in the first quarter.", "1998-05-26", "the first quarter", "DATE", "1998-Q1"),
    // "the following year" follows the narrative, "next year" the DCT
    ("On May 22, 1995, he was made a general, and the following year he became attache.", "1998-04-18", "the following year", "DATE", "1996"),
    ("In March, it got an offer. The following month, it put itself up for sale.", "1989-11-01", "The following month", "DATE", "1989-04"),
    ("He will retire next year.", "1998-04-18", "next year", "DATE", "1999"),
    // a plan seen from the past
    ("The offer had been due to expire Friday evening.", "1989-10-30", "Friday evening", "DATE", "1989-10-27"),
    ("The offer is due to expire Friday.", "1989-10-30", "Friday", "DATE", "1989-11-03"),
];

#[test]
fn rates_are_not_durations() {
    for (text, rate) in [
        ("The deal saves $500 million a year in costs.", "a year"),
        ("The route adds 700 seats a week.", "a week"),
        ("Jobs grew at a rate of 358,000 a month.", "a month"),
        ("Rooms cost between $35 and $55 a night.", "a night"),
        ("Guards watch the clinic 24 hours a day.", "a day"),
        ("Average daily volume was 133 million shares.", "daily"),
    ] {
        let got = tagger().tag(text, Some(d("2025-05-05")));
        assert!(!got.iter().any(|t| t.text == rate), "{text:?}: {:?}", got.iter().map(|t| (&t.text, &t.value)).collect::<Vec<_>>());
    }
    // a year before a duration does not make it a rate
    let got = tagger().tag("In 2003 three years of drought ended.", Some(d("2025-05-05")));
    assert!(got.iter().any(|t| t.text == "three years" && t.value == "P3Y"), "{got:?}");
}

/// A quarter as a fraction is no duration (a negative rule); one of a year is
#[test]
fn fractions_are_not_quarters() {
    for text in ["Iraq imports about three-quarters of its food.", "It holds more than a quarter of the market.", "A quarter of them left."] {
        let got = tagger().tag(text, Some(d("1990-08-15")));
        assert!(got.is_empty(), "{text:?}: {got:?}");
    }
    let got = tagger().tag("Sales rose in three quarters of the year.", Some(d("1990-08-15")));
    assert!(got.iter().any(|t| t.text == "three quarters" && t.kind == TimexType::Duration), "{got:?}");
}

/// "the year" that is no year of the calendar: a title, a named year, one before a number
#[test]
fn the_year_alone_only_as_a_calendar_year() {
    for text in [
        "He was named Person of the Year.",
        "It was the year of the iPhone.",
        "By the year 2000 it will be done.",
        "The year-earlier results were restated.",
    ] {
        let got = tagger().tag(text, Some(d("2008-03-06")));
        assert!(!got.iter().any(|t| t.text.eq_ignore_ascii_case("the year")), "{text:?}: {got:?}");
    }
}

#[test]
fn table() {
    let mut failures = Vec::new();
    for (text, dct, expr, kind, value) in CASES {
        let got = tagger().tag(text, Some(d(dct)));
        match got.iter().find(|t| t.text == *expr) {
            Some(t) if t.kind.as_str() == *kind && t.value == *value => {}
            Some(t) => failures.push(format!("{text:?} [{dct}]: {expr:?} → {} {} (want {kind} {value})", t.kind.as_str(), t.value)),
            None => failures.push(format!(
                "{text:?} [{dct}]: {expr:?} not found; got {:?}",
                got.iter().map(|t| (&t.text, t.kind.as_str(), &t.value)).collect::<Vec<_>>()
            )),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

/// Partial periods carry TimeML's `mod`: "the end of this year" is 2008 with mod END.
#[test]
fn partial_periods_have_a_modifier() {
    for (text, expr, value, modifier) in [
        ("It will close by the end of this year.", "the end of this year", "2008", "END"),
        ("It was built at the start of the decade.", "the start of the decade", "200", "START"),
        ("It rises by year end.", "year end", "2008", "END"),
        ("The vote is due later this month.", "later this month", "2008-03", "END"),
        ("Shares fell earlier this year.", "earlier this year", "2008", "START"),
        ("Planting was delayed earlier in the year by rains.", "earlier in the year", "2008", "START"),
    ] {
        let got = tagger().tag(text, Some(d("2008-03-06")));
        let t = got.iter().find(|t| t.text == expr).unwrap_or_else(|| panic!("{expr:?} not found in {got:?}"));
        assert_eq!((t.value.as_str(), t.modifier), (value, Some(modifier)), "{text}");
    }
}

#[test]
fn without_dct_relative_values_stay_unresolved() {
    let t = tagger();
    let text = "He left yesterday and will return next week. The firm was founded on March 6, 2008. It met Sunday.";
    let got = t.tag(text, None);
    let find = |s: &str| got.iter().find(|x| x.text == s).unwrap_or_else(|| panic!("{s} missing: {got:?}"));
    assert_eq!(find("yesterday").value, "XXXX-XX-XX");
    assert!(find("yesterday").unresolved);
    assert_eq!(find("next week").value, "XXXX-WXX");
    assert_eq!(find("March 6, 2008").value, "2008-03-06");
    assert!(!find("March 6, 2008").unresolved);
    assert_eq!(find("Sunday").value, "XXXX-WXX-7");
}

/// A year-on-year comparison does not move the narrative's time: the second "a year earlier" is
/// still the same quarter of the previous year.
#[test]
fn comparisons_keep_the_reference_quarter() {
    let text = "Profit rose in the third quarter to $5 million from $4 million a year earlier. \
                Sales rose to $2 billion from $1.8 billion a year earlier.";
    let got = tagger().tag(text, Some(d("1989-11-02")));
    let values: Vec<&str> = got.iter().filter(|t| t.text == "a year earlier").map(|t| t.value.as_str()).collect();
    assert_eq!(values, ["1988-Q3", "1988-Q3"], "{got:?}");
}

#[test]
fn narrative_reference_time_anchors_anaphora() {
    let text = "The ship sailed on March 3, 1998. The next day it sank.";
    let got = tagger().tag(text, Some(d("2025-05-05")));
    let next = got.iter().find(|x| x.text == "The next day").expect("found");
    assert_eq!(next.value, "1998-03-04");
    let text = "The ship sailed on March 3, 1998. Three days later it sank; a week earlier it had been refitted.";
    let got = tagger().tag(text, Some(d("2025-05-05")));
    let find = |s: &str| got.iter().find(|x| x.text == s).map(|x| x.value.clone());
    assert_eq!(find("Three days later").as_deref(), Some("1998-03-06"), "{got:?}");
}

/// The current date is read in exactly one place: `--doc-date today` in the CLI.
#[test]
fn clock_is_read_only_for_doc_date_today() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut hits = Vec::new();
    for e in walkdir::WalkDir::new(&root).into_iter().filter_map(|e| e.ok()) {
        if e.path().extension().is_some_and(|x| x == "rs") {
            let src = std::fs::read_to_string(e.path()).expect("read");
            for (i, line) in src.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for needle in ["Local::now", "Utc::now", "SystemTime::now", "Local::today", "Utc::today"] {
                    if code.contains(needle) && !code.contains("needle") && !code.contains("\"Local::now\"") {
                        hits.push(format!("{}:{}: {}", e.path().display(), i + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert!(hits[0].contains("main.rs"), "{hits:#?}");
}

/// A DCT at the ends of chrono's calendar (`--doc-date +262143-12-31` parses) is not used: the
/// week and day arithmetic of normalization would overflow there (it panicked).
#[test]
fn dct_outside_anchor_years_counts_as_none() {
    let text = "LONDON , Tuesday , May 24 , 2008 10:32 AM BST. On Monday he left.";
    let none = tagger().tag(text, None);
    for dct in [NaiveDate::MIN, NaiveDate::MIN + chrono::Duration::days(365), NaiveDate::MAX, d("+10000-01-01")] {
        assert_eq!(tagger().tag(text, Some(dct)), none, "{dct}");
    }
    // the ends of the range are anchors as any other year
    let got = tagger().tag("He left on Monday.", Some(d("9999-12-31")));
    assert_eq!(got[0].value, "9999-12-27", "{got:?}");
    let got = tagger().tag("He left on Monday.", Some(d("-9999-01-01")));
    assert!(!got[0].unresolved, "{got:?}");
}

/// Counts that carry a date in the text past the end of chrono's calendar, or close to it, leave
/// the expression unresolved or out, and the rest of the text as it is.
#[test]
fn counts_past_the_calendar() {
    for text in [
        "The ship sailed on December 30, 1998. 260,145 years later, on Friday, it sank.",
        "The ship sailed on December 30, 1998. 260,145 years later it sank. The next day it was raised. On Friday it left.",
        "It sailed on December 30, 1998; 95,016,960 days later it sank, on Friday.",
        "It sailed on December 30, 1998. 13,573,851 weeks later it sank. The day after, on Friday, it was raised.",
        "It sailed on December 30, 1998. 999,999,999,999,999,999,999 days later it sank. On Friday it was raised.",
    ] {
        let got = tagger().tag(text, Some(d("2008-03-06")));
        let find = |s: &str| got.iter().find(|x| x.text == s).map(|x| x.value.as_str());
        assert_eq!(find("December 30, 1998"), Some("1998-12-30"), "{got:?}");
        assert_eq!(find("Friday"), Some("2008-02-29"), "{got:?}");
        assert!(tagger().tag(text, None).iter().any(|x| x.text == "Friday"));
    }
}

/// In a "sentence" of thousands of words (a text without punctuation, rows of a table), the tense
/// of an expression is read from the words around it, not from the whole sentence for every
/// expression (a 100 KB line of dates took a minute to tag, 200 KB four).
#[test]
fn tense_is_read_near_the_expression_in_long_sentences() {
    for filler in ["x ", "é ", "ab\u{A0}"] {
        let pad = filler.repeat(3000);
        let text = format!("{pad}the team met on Friday and will meet again on Friday {pad}");
        for (k, (start, _)) in text.match_indices("Friday").enumerate() {
            let end = start + "Friday".len();
            let (ss, se) = tense_context(&text, 0, text.len(), start, end);
            assert!(start - ss <= TENSE_CONTEXT && se - end <= TENSE_CONTEXT, "{filler:?} {ss}..{se}");
            // whole words: cut where a word ends or starts
            assert!(text[ss..].starts_with(char::is_whitespace) && text[se..].starts_with(char::is_whitespace), "{filler:?}");
            let got = tagger().tag(&text, Some(d("2008-03-06")));
            assert_eq!(got[k].value, ["2008-02-29", "2008-03-07"][k], "{filler:?}: {got:?}");
        }
        // a sentence of ordinary length is read whole
        assert_eq!(tense_context(&text, 10, 2000, 1000, 1006), (10, 2000));
    }
}
