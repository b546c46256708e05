//! The library in a dozen lines: entities, time expressions and events of one text.
//!
//!     cargo run --release --example quickstart -- "Apple unveiled the iPhone in San Francisco on Tuesday." 2007-01-10

use entline::{Config, Document, Pipeline};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let text = args.next().unwrap_or_else(|| "Apple unveiled the iPhone in San Francisco on Tuesday.".into());
    let date = chrono::NaiveDate::parse_from_str(&args.next().unwrap_or_else(|| "2007-01-10".into()), "%Y-%m-%d")?;

    let pipeline = Pipeline::new(Config::default())?;
    let analysis = pipeline.process(&Document::new(text).with_date(date))?;
    for e in &analysis.entities {
        println!("entity  {:<4} {}", e.kind, e.name);
    }
    for t in &analysis.timexes {
        println!("time    {:<8} {} = {}", t.kind, t.at.text, t.value);
    }
    for ev in &analysis.events {
        println!("event   {} {} (agents: {}; places: {})", ev.date_start, ev.trigger, ev.agents, ev.places);
    }
    Ok(())
}
