//! `entline` command line: a thin layer over the library.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use entline::input::{self, Found};
use entline::ner::{self, Ner};
use entline::pipeline::Notice;
use entline::time::dct::GivenDate;

const EXAMPLES: &str = "\
Examples:
  entline extract seeds/ --doc-date 2025-05-05 --out out/   # timeline of every document under seeds/
  entline extract a.txt b.txt --out out/ --model models/entline-ner-minilm
  entline report out/ --top 20                              # rebuild out/timeline.html
  entline tag-conll eng.testa > tagged.txt   # CoNLL-2003 file with a predicted IOB2 column
  scripts/eval_conll.sh ../shared/data/conll2003/eng.testa

Exit codes:
  0   all done: every input processed
  1   nothing could be done, or a fatal error (say, an output folder that cannot be written; a
      merge of an incomplete or mixed shard set)
  2   some inputs failed, each reported (and in documents.csv); merge --allow-partial went
      without missing shards
  64  usage error: an unknown option, a bad value (EX_USAGE)
  A closed standard output (entline tag-conll FILE | head -1) ends quietly with 0.";

/// Exit code of a usage error: EX_USAGE of sysexits.h, so that a pipeline can tell a typo from
/// a failed input (2).
const EX_USAGE: u8 = 64;

#[derive(Parser)]
#[command(name = "entline", version, about = "Turn folders of documents into an entity-centric event timeline.", after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build the event timeline of documents (files or folders, walked recursively): writes
    /// events.csv, entities.csv, mentions.csv, timexes.csv, documents.csv and timeline.html into DIR.
    Extract(ExtractArgs),
    /// Merge the output folders of `extract --shard K/N` runs into one, entities normalized
    /// across all of them: the same tables as one run over all the inputs.
    ///
    /// All N shards of one run must be given, once each (each shard's manifest names its K/N
    /// and the run's fingerprint: model, settings, input list, entline version); otherwise
    /// nothing is written and the error names the missing or mismatched shards (exit 1).
    #[command(
        after_help = "Example:\n  entline extract corpus/ --shard 1/2 --out out.1 &\n  entline extract corpus/ --shard 2/2 --out out.2\n  entline merge out.1 out.2 --out out/\n\nExit codes: 0 merged; 1 nothing merged (a shard missing, repeated or from another run); 2 some inputs failed, or shards missing with --allow-partial; 64 usage error."
    )]
    Merge {
        /// Output folders of the shard runs.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output folder of the merged tables.
        #[arg(long, short)]
        out: PathBuf,
        /// Merge even when shards are missing: each missing shard gets a row in documents.csv
        /// (doc `<shard K/N>`, status `missing`) and is listed in the JSON summary; exit code 2.
        #[arg(long)]
        allow_partial: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Also write a machine-readable report of the merge to FILE (JSON).
        #[arg(long, value_name = "FILE")]
        json_summary: Option<PathBuf>,
    },
    /// Rebuild DIR/timeline.html, the self-contained HTML timeline, from the tables of a run
    /// (entities.csv and events.csv, or their .jsonl).
    #[command(after_help = "Example:\n  entline report out/ --top 20 && xdg-open out/timeline.html")]
    Report {
        /// Output folder of `entline extract` or `entline merge`.
        dir: PathBuf,
        /// Entity lanes shown at first.
        #[arg(long, value_name = "N", default_value_t = entline::report::DEFAULT_TOP)]
        top: usize,
        /// Write the page here instead of DIR/timeline.html.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Annotate TimeML / TempEval-3 files (.tml, .TE3input): writes each input to DIR under the same
    /// name with <TIMEX3 tid type value> and <EVENT eid class> elements inserted in <TEXT> and a
    /// <MAKEINSTANCE> per event before </TimeML>, every other character unchanged.
    #[command(after_help = "Example:\n  entline timeml ../shared/data/tempeval3/TBAQ-cleaned/TimeBank --out /tmp/tml")]
    Timeml {
        /// TimeML files or folders (walked for .tml, .TE3input, .xml).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        date: DateArgs,
        /// Extra pattern files (format of src/time/rules/patterns.toml), tried before the built-in ones.
        #[arg(long, value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Time expressions only: no event mentions (and no model is loaded).
        #[arg(long)]
        no_events: bool,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Print how `extract` cuts documents into sentences and words, as the model sees them: one JSON
    /// line per input, `{"doc", "sentences": [[[char_start, char_end, "word"], ...], ...]}` with
    /// code-point offsets into the decoded text and each word in the form given to the model.
    #[command(after_help = "Example:\n  entline tokens seeds/ | head -c 600")]
    Tokens {
        /// Files or folders (walked like `extract`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print the text entline reads from FILE: what every offset of its tables points into (PDF,
    /// Word, OpenDocument and e-mail as extracted, HTML rendered, TimeML's <TEXT>). A file of
    /// several documents (a mailbox, an e-mail with attachments) prints each after a line
    /// `==> DOC <==`; a part that gives no text, as `==> DOC <== STATUS: PROBLEM`.
    #[command(after_help = "Example:\n  entline text report.pdf | less")]
    Text {
        /// Any file `extract` reads.
        file: PathBuf,
    },
    /// Parse with the model's syntax head: a CoNLL-U file (.conllu) is printed back with UPOS,
    /// HEAD and DEPREL predicted (its FORM column is the tokenization; comments, multiword-token
    /// and empty-node lines and every other column unchanged); any other document as CoNLL-U of
    /// entline's own sentences and words.
    #[command(after_help = "Examples:\n  entline parse en_ewt-ud-dev.conllu > predicted.conllu\n  entline parse seeds/article.txt")]
    Parse {
        /// A .conllu file, or a document entline reads (.txt, .md, .html, .tml, .pdf, .docx, .odt, .eml).
        file: PathBuf,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Tag a CoNLL-2003 file: print every line with the predicted IOB2 tag appended.
    #[command(name = "tag-conll", after_help = "Example:\n  entline tag-conll ../shared/data/conll2003/eng.testa > /tmp/out.txt")]
    TagConll {
        /// CoNLL file (token in the first column, blank lines between sentences).
        file: PathBuf,
        #[command(flatten)]
        model: ModelArgs,
    },
}

#[derive(Args)]
#[command(after_help = "Examples:
  entline extract seeds/ --doc-date 2025-05-05 --out out/
  entline extract news/ --doc-dates dates.csv --format csv,jsonl,timelinejs --excel --out out/
  entline extract archive/ --glob '*.txt' --exclude 'drafts/**' --resume --out out/
  entline extract archive/ --shard 3/8 --out out.3   # then: entline merge out.* --out out/")]
struct ExtractArgs {
    /// Input files or folders (.txt .md .html .tml inside folders; any file named explicitly; - for stdin).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output folder (created if needed); its .entline/ subfolder caches per-document results.
    #[arg(long, short)]
    out: PathBuf,
    #[command(flatten)]
    model: ModelArgs,
    /// Document creation time for every input: YYYY-MM-DD, or `today` (the only way entline ever
    /// uses the current date); or a year YYYY, which dates a document whose dateline gives month
    /// and day only ("MOSCOW, July 12 (Reuters) -"), other documents staying undated.
    #[arg(long, value_name = "DATE|YEAR", value_parser = parse_given_date)]
    doc_date: Option<GivenDate>,
    /// CSV file of path,date lines giving each document's date, YYYY-MM-DD or a year YYYY as
    /// --doc-date takes it (paths as given, or file names).
    #[arg(long, value_name = "FILE")]
    doc_dates: Option<PathBuf>,
    /// Use a file's modification time as its date when nothing better is found.
    #[arg(long)]
    date_from_mtime: bool,
    /// Also list undated events in events.csv (timelines.csv always lists them, at position 0).
    #[arg(long)]
    undated: bool,
    /// Count demonyms ("Mexican") as mentions of their place in entities.csv.
    #[arg(long)]
    count_demonyms: bool,
    /// In folders, take the files whose path (below the folder) matches this glob, whatever their
    /// extension (repeatable).
    #[arg(long, value_name = "GLOB")]
    glob: Vec<String>,
    /// In folders, leave out files and folders whose path (below the folder) matches this glob
    /// (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Also walk hidden files and folders (names starting with a dot).
    #[arg(long)]
    hidden: bool,
    /// Skip (and report) input files larger than this many bytes.
    #[arg(long, default_value_t = entline::input::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// Drop entity mentions whose confidence is below this (0 keeps everything).
    #[arg(long, default_value_t = 0.5)]
    min_score: f32,
    /// Reuse the per-document results an earlier (even killed) run left in the output folder,
    /// when the document, the model and the settings are unchanged.
    #[arg(long)]
    resume: bool,
    /// Process only the K-th of N parts of the inputs (a stable hash of each path; N up to
    /// 100000); join the parts with `entline merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Output formats, comma-separated: csv, jsonl, timelinejs, xlsx (every table a sheet of
    /// DIR/entline.xlsx).
    #[arg(long, value_delimiter = ',', default_value = "csv", value_parser = format_parser())]
    format: Vec<entline::pipeline::Format>,
    /// Excel-friendly CSV: UTF-8 BOM and CRLF line ends (the CSV files only; see --format xlsx).
    #[arg(long)]
    excel: bool,
    /// Do not guard cells starting with = + - @ against formula injection.
    #[arg(long)]
    raw_csv: bool,
    /// Entity lanes shown at first in timeline.html (the page can change it).
    #[arg(long, value_name = "N", default_value_t = entline::report::DEFAULT_TOP)]
    report_top: usize,
    /// Do not write timeline.html.
    #[arg(long)]
    no_report: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Also write a machine-readable report of the run to FILE (JSON): inputs and outcomes,
    /// failures, counts, seconds per stage, model, settings and fingerprints.
    #[arg(long, value_name = "FILE")]
    json_summary: Option<PathBuf>,
}

/// `--format`: the names of [`entline::pipeline::Format`].
fn format_parser() -> impl TypedValueParser<Value = entline::pipeline::Format> {
    PossibleValuesParser::new(entline::pipeline::Format::NAMES.map(|(name, _)| name)).try_map(|s| s.parse::<entline::pipeline::Format>())
}

/// `--precision`: the values of [`ner::Precision`].
fn precision_parser() -> impl TypedValueParser<Value = ner::Precision> {
    let auto = PossibleValue::new("auto").help(
        "bfloat16 where the CPU has AMX tiles for it (x86 AMX-BF16, enabled by the OS), else int8 weights on x86-64 with AVX2, else f32; \
         ONEDNN_MAX_CPU_ISA below those levels is honoured",
    );
    let int8 = PossibleValue::new("int8").help("the encoder's linear layers with int8 weights (FBGEMM; x86-64 with AVX2)");
    PossibleValuesParser::new([auto, PossibleValue::new("f32"), PossibleValue::new("bf16"), int8]).try_map(|s| s.parse::<ner::Precision>())
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let max = entline::pipeline::record::MAX_SHARDS;
    let err = || format!("expected K/N with 1 <= K <= N <= {max}, got {s:?}");
    let (k, n) = s.split_once('/').ok_or_else(err)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| err())?, n.trim().parse().map_err(|_| err())?);
    if k == 0 || k > n || n > max {
        return Err(err());
    }
    Ok((k, n))
}

#[derive(Args)]
struct DateArgs {
    /// Document creation time for every input: YYYY-MM-DD, or `today` (the only way entline ever
    /// uses the current date).
    #[arg(long, value_name = "DATE", value_parser = parse_doc_date)]
    doc_date: Option<NaiveDate>,
}

fn parse_doc_date(s: &str) -> Result<NaiveDate, String> {
    if s.eq_ignore_ascii_case("today") {
        return Ok(chrono::Local::now().date_naive());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("expected YYYY-MM-DD or `today`, got {s:?}"))
}

/// `extract --doc-date`: a date as [`parse_doc_date`] takes it, or a year.
fn parse_given_date(s: &str) -> Result<GivenDate, String> {
    match GivenDate::parse(s) {
        Some(GivenDate::Year(y)) => Ok(GivenDate::Year(y)),
        _ => parse_doc_date(s).map(GivenDate::Day).map_err(|_| format!("expected YYYY-MM-DD, a year YYYY or `today`, got {s:?}")),
    }
}

#[derive(Args)]
struct ModelArgs {
    /// A shipped model, `fast` (models/entline-ner-minilm, the default) or `accurate`
    /// (models/entline-ner-mpnet: higher accuracy, about 5 times slower); or a model folder
    /// (config.json, vocab.txt, weights); or a hub id with the `remote` build feature.
    /// Default: fast, or $ENTLINE_MODEL when set.
    #[arg(long, value_name = "NAME|DIR")]
    model: Option<String>,
    /// Context windows per forward pass (they may come from different documents). Default: 4
    /// (8 in bf16).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    batch_size: Option<u16>,
    /// Context window in subwords (default: the model's setting; never longer than the window the
    /// model was trained with, when its entline.json declares one, nor its 512 positions).
    #[arg(long)]
    max_len: Option<usize>,
    /// Worker threads for the model and the CPU stages (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Number format of the model: auto = bf16 on CPUs with AMX tiles for it (AMX-BF16), else int8
    /// weights on x86-64 with AVX2, else f32.
    #[arg(long, default_value = "auto", value_parser = precision_parser())]
    precision: ner::Precision,
}

impl ModelArgs {
    /// The library configuration these options describe (temporal rules and per-run settings
    /// are the caller's).
    fn config(&self) -> entline::Config {
        entline::Config {
            model: self.model.as_ref().map(PathBuf::from),
            precision: self.precision,
            threads: Some(self.threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)).max(1)),
            batch_size: self.batch_size.map(usize::from),
            max_len: self.max_len,
            ..Default::default()
        }
    }

    fn load(&self) -> entline::Result<Ner> {
        let ner = self.config().load_model()?;
        self.warn_max_len(&ner);
        Ok(ner)
    }

    fn warn_max_len(&self, ner: &Ner) {
        if let Some(asked) = self.max_len.filter(|&m| m > ner.max_len()) {
            eprintln!("entline: warning: --max-len {asked} is longer than the model's context window; using {}", ner.max_len());
        }
    }
}

/// 0: all inputs processed; 2: some failed (or are missing); 1: nothing could be done.
fn exit_code(ok: usize, failed: usize) -> ExitCode {
    if failed == 0 {
        ExitCode::SUCCESS
    } else if ok > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// Documents read and tagged together (batches span documents; memory stays bounded).
const DOCS_PER_GROUP: usize = 32;

/// The end of a run on stderr: the warning about documents without a date (once, for all of
/// them), then the one-line summary with what was left undated and the fix.
fn print_summary(s: &entline::pipeline::Summary, out: &std::path::Path, secs: f64) {
    if let Some(w) = s.undated_warning() {
        eprintln!("entline: {w}");
    }
    let missing: usize = s.missing_shards.iter().map(|m| m.inputs).sum();
    eprintln!(
        "entline: {} document(s){}, {} mention(s), {} entities, {} time expressions, {} events{}{} in {:.1}s ({:.1} docs/s) → {}{}",
        s.documents,
        // by kind, when there is more than one
        if s.kinds.len() > 1 {
            format!(" ({})", s.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", "))
        } else {
            String::new()
        },
        s.mentions,
        s.entities,
        s.timexes,
        s.events,
        if s.failed > 0 { format!(", {} failed", s.failed) } else { String::new() },
        if s.missing_shards.is_empty() {
            String::new()
        } else {
            let shards: Vec<&str> = s.missing_shards.iter().map(|m| m.shard.as_str()).collect();
            format!(", shard {} missing ({missing} inputs)", shards.join(", "))
        },
        secs,
        s.documents as f64 / secs.max(1e-9),
        out.display(),
        s.undated_note().map(|n| format!("; {n}")).unwrap_or_default()
    );
}

fn extract(a: &ExtractArgs) -> entline::Result<ExitCode> {
    let started = std::time::Instant::now();
    let doc_dates = a.doc_dates.as_deref().map(entline::time::dct::DocDates::load).transpose()?;
    let select = input::Select::extensions(input::TEXT_EXTENSIONS).with_globs(&a.glob, &a.exclude)?;
    let select = input::Select { hidden: a.hidden, ..select };
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for f in input::collect(&a.paths, &select) {
        match f {
            Found::File(p) => files.push(p),
            Found::Problem(p, msg) => {
                eprintln!("entline: {}: {msg}", p.display());
                problems.push((p, msg));
            }
        }
    }
    if files.is_empty() {
        eprintln!("entline: no input documents found");
        return Ok(ExitCode::from(1));
    }
    let pipeline =
        entline::Pipeline::new(entline::Config { min_score: a.min_score, count_demonyms: a.count_demonyms, undated: a.undated, ..a.model.config() })?;
    a.model.warn_max_len(pipeline.ner());
    let model_info = model_info(&pipeline)?;
    let (ner, tagger) = pipeline.into_parts();
    let opts = a.options(doc_dates);
    let bar = progress_bar(files.len(), a.quiet);
    let run = entline::pipeline::run(ner, &tagger, &files, problems, &opts, |notice| match notice {
        Notice::Progress(p) => {
            if let Some(b) = &bar {
                b.set_position(p.files as u64);
                b.set_message(format!("{} mentions, {} dated sentences", p.mentions, p.events));
            }
        }
        // warnings only without --quiet; a failed input always
        Notice::Warning(w) => {
            if !a.quiet || w.is_error() {
                eprintln!("entline: {w}");
            }
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let s = run.map_err(|e| match e {
        entline::Error::Write { .. } => entline::Error::Other(format!(
            "{e}; the documents done so far are kept in {}: once the output folder can be written again, \
             run the same command with --resume to finish",
            entline::pipeline::record::cache_dir(&a.out).display()
        )),
        e => e,
    })?;
    if !a.quiet {
        print_summary(&s, &a.out, started.elapsed().as_secs_f64());
    }
    if let Some(path) = &a.json_summary {
        let manifest = entline::pipeline::record::read_manifest(&a.out)?;
        let settings = serde_json::json!({
            "output": opts.settings,
            "min_score": opts.min_score,
            "doc_date": opts.doc_date.map(|d| d.to_string()),
            "date_from_mtime": opts.date_from_mtime,
            "resume": opts.resume,
            "shard": opts.shard.map(|(k, n)| format!("{k}/{n}")),
            "max_bytes": opts.max_bytes,
        });
        let run = serde_json::to_value(&manifest.run).unwrap_or_default();
        let extra = [("model", model_info), ("settings", settings), ("fingerprint", manifest.fingerprint.into()), ("run", run)];
        write_json_summary(path, &a.out, &s, started.elapsed().as_secs_f64(), extra)?;
    }
    Ok(exit_code(s.documents, s.failed))
}

/// The model as `--json-summary` describes it.
fn model_info(pipeline: &entline::Pipeline) -> entline::Result<serde_json::Value> {
    let ner = pipeline.ner();
    Ok(serde_json::json!({
        "path": ner.files.name,
        "fingerprint": ner.fingerprint()?,
        "precision": ner.compute().name(),
        "max_len": ner.max_len(),
        "threads": pipeline.config().threads,
        "batch_size": ner.batch_size(),
    }))
}

/// A progress bar on a terminal only; nothing on pipes, files, or with --quiet.
fn progress_bar(files: usize, quiet: bool) -> Option<indicatif::ProgressBar> {
    (!quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
        let b = indicatif::ProgressBar::new(files as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files  {per_sec}  ETA {eta}  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    })
}

impl ExtractArgs {
    /// The run's options (`doc_dates`: the `--doc-dates` table, read).
    fn options(&self, doc_dates: Option<entline::time::dct::DocDates>) -> entline::pipeline::Options {
        let a = self;
        let formats = if a.format.is_empty() { vec![entline::pipeline::Format::Csv] } else { a.format.clone() };
        entline::pipeline::Options {
            out: a.out.clone(),
            doc_date: a.doc_date,
            doc_dates,
            date_from_mtime: a.date_from_mtime,
            min_score: a.min_score,
            group_size: DOCS_PER_GROUP,
            max_bytes: a.max_bytes,
            resume: a.resume,
            shard: a.shard,
            settings: entline::pipeline::record::OutputSettings {
                formats,
                excel: a.excel,
                raw_csv: a.raw_csv,
                count_demonyms: a.count_demonyms,
                report_top: if a.no_report { 0 } else { a.report_top.max(1) },
                undated: a.undated,
            },
        }
    }
}

/// `--json-summary`: the run as JSON, for pipelines that call entline (`extra`: what the
/// command adds: model, settings, fingerprint).
fn write_json_summary<const N: usize>(
    path: &std::path::Path,
    out: &std::path::Path,
    s: &entline::pipeline::Summary,
    seconds: f64,
    extra: [(&str, serde_json::Value); N],
) -> entline::Result<()> {
    let problems: Vec<serde_json::Value> =
        s.problems.iter().map(|(doc, status, error)| serde_json::json!({ "doc": doc, "status": status, "error": error })).collect();
    let mut report = serde_json::json!({
        "entline": env!("CARGO_PKG_VERSION"),
        "source": env!("ENTLINE_SOURCE_HASH"),
        "command": std::env::args().collect::<Vec<_>>(),
        "out": out,
        "seconds": seconds,
        "summary": s,
        "problems": problems,
    });
    if let Some(note) = s.undated_note() {
        report["undated"] = serde_json::json!({
            "documents": s.without_date.len(),
            "events_left_out": s.events_left_out,
            "events_left_out_without_date": s.events_left_out_without_date,
            "note": note,
            "fix": entline::pipeline::UNDATED_FIX,
        });
    }
    for (key, value) in extra {
        report[key] = value;
    }
    let text = serde_json::to_string_pretty(&report).map_err(|e| entline::Error::Other(format!("JSON summary: {e}")))?;
    std::fs::write(path, text + "\n").map_err(|e| entline::Error::write(path, e))
}

fn timeml(inputs: &[PathBuf], out: &Path, date: &DateArgs, rules: &[PathBuf], model: Option<&ModelArgs>) -> entline::Result<ExitCode> {
    let tagger = entline::time::TimeTagger::with_rule_files(rules)?;
    let ner = model.map(ModelArgs::load).transpose()?;
    if ner.as_ref().is_some_and(|n| n.event_head().is_none()) {
        eprintln!("entline: warning: the model has no event head; writing time expressions only");
    }
    let ner = ner.filter(|n| n.event_head().is_some());
    let mut files = Vec::new();
    let mut failed = 0usize;
    for f in input::collect(inputs, &input::Select::extensions(input::TIMEML_EXTENSIONS)) {
        match f {
            Found::File(p) => files.push(p),
            Found::Problem(p, msg) => {
                eprintln!("entline: {}: {msg}", p.display());
                failed += 1;
            }
        }
    }
    let done = entline::pipeline::timeml::annotate_files(&files, out, ner.as_ref(), &tagger, date.doc_date)?;
    for w in &done.warnings {
        eprintln!("entline: {w}");
    }
    for e in &done.errors {
        eprintln!("entline: {e}");
    }
    failed += done.errors.len();
    Ok(exit_code(done.written, failed))
}

fn tokens(paths: &[PathBuf]) -> entline::Result<ExitCode> {
    let mut out = std::io::BufWriter::new(Stdout::lock());
    let (mut ok, mut failed) = (0, 0);
    for f in input::collect(paths, &input::Select::extensions(input::TEXT_EXTENSIONS)) {
        let path = match f {
            Found::File(p) => p,
            Found::Problem(p, msg) => {
                eprintln!("entline: {}: {msg}", p.display());
                failed += 1;
                continue;
            }
        };
        let text = match entline::pipeline::read_text(&path, input::DEFAULT_MAX_BYTES) {
            Ok(read) => read.text,
            Err(e) => {
                eprintln!("entline: {e}");
                failed += 1;
                continue;
            }
        };
        let wd = entline::ner::WordDoc::from_text(&text);
        let mut co = entline::text::CharOffsets::new(&text);
        let sentences: Vec<Vec<(usize, usize, String)>> = wd
            .sentences
            .iter()
            .map(|s| {
                wd.words[s.clone()].iter().map(|w| (co.at(w.start), co.at(w.end), entline::text::model_form(w.text(&text)).into_owned())).collect()
            })
            .collect();
        let line = serde_json::json!({ "doc": entline::pipeline::doc_name(&path), "sentences": sentences });
        writeln!(out, "{line}").map_err(|e| entline::Error::write(Path::new("<stdout>"), e))?;
        ok += 1;
    }
    out.flush().map_err(|e| entline::Error::write(Path::new("<stdout>"), e))?;
    Ok(exit_code(ok, failed))
}

fn text(file: &Path) -> entline::Result<ExitCode> {
    let docs = match entline::pipeline::read_docs(file, input::DEFAULT_MAX_BYTES) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("entline: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut out = std::io::BufWriter::new(Stdout::lock());
    let several = docs.len() > 1;
    let mut failed = 0;
    for d in &docs {
        let w = match &d.read {
            Ok(t) if several => write!(out, "==> {} <==\n{}", d.doc, t.text),
            Ok(t) => write!(out, "{}", t.text),
            Err((status, e)) => {
                failed += usize::from(*status == "failed");
                eprintln!("entline: {e}");
                writeln!(out, "==> {} <== {status}: {e}", d.doc)
            }
        };
        w.map_err(|e| entline::Error::write(Path::new("<stdout>"), e))?;
    }
    out.flush().map_err(|e| entline::Error::write(Path::new("<stdout>"), e))?;
    Ok(exit_code(docs.len() - failed, failed))
}

fn run(cli: Cli) -> entline::Result<ExitCode> {
    match cli.cmd {
        Cmd::Extract(a) => extract(&a),
        Cmd::Merge { dirs, out, allow_partial, quiet, json_summary } => {
            let started = std::time::Instant::now();
            let s = entline::pipeline::merge(&dirs, &out, allow_partial)?;
            if !quiet {
                print_summary(&s, &out, started.elapsed().as_secs_f64());
            }
            if let Some(path) = &json_summary {
                // the shards agree on them (merge checked)
                let manifest = entline::pipeline::record::read_manifest(&dirs[0])?;
                let run = serde_json::to_value(&manifest.run).unwrap_or_default();
                let merged: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
                let extra = [("merged", merged.into()), ("fingerprint", manifest.fingerprint.into()), ("run", run)];
                write_json_summary(path, &out, &s, started.elapsed().as_secs_f64(), extra)?;
            }
            // a missing shard counts as failed inputs (there are some, unnamed)
            Ok(exit_code(s.documents, s.failed + s.missing_shards.len()))
        }
        Cmd::Report { dir, top, out } => {
            let n = entline::report::rebuild(&dir, out.as_deref(), top)?;
            let dest = out.unwrap_or_else(|| dir.join("timeline.html"));
            eprintln!("entline: {n} events → {}", dest.display());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Timeml { inputs, out, date, rules, no_events, model } => timeml(&inputs, &out, &date, &rules, (!no_events).then_some(&model)),
        Cmd::Tokens { paths } => tokens(&paths),
        Cmd::Text { file } => text(&file),
        Cmd::Parse { file, model } => {
            let ner = model.load()?;
            let mut out = Stdout::lock();
            if file.extension().is_some_and(|e| e == "conllu") {
                entline::conllu::parse_file(&ner, &file, &mut out)?;
            } else {
                let read = entline::pipeline::read_text(&file, input::DEFAULT_MAX_BYTES).map_err(entline::Error::Other)?;
                entline::conllu::write_document(&ner, &entline::pipeline::doc_name(&file), &read.text, &mut out)?;
            }
            out.flush().map_err(|e| entline::Error::write(Path::new("<stdout>"), e))?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::TagConll { file, model } => {
            let ner = model.load()?;
            let mut out = Stdout::lock();
            entline::conll::tag_file(&ner, &file, &mut out)?;
            out.flush().map_err(|e| entline::Error::write(Path::new("<stdout>"), e))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Set when the reader of standard output went away (`entline tag-conll FILE | head -1`): the
/// command then ends quietly with 0, as a filter in a pipeline does.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Standard output that notes a closed pipe in [`STDOUT_CLOSED`] (Rust ignores SIGPIPE, so a
/// write to a closed pipe returns the error `BrokenPipe`).
struct Stdout(std::io::StdoutLock<'static>);

impl Stdout {
    fn lock() -> Stdout {
        Stdout(std::io::stdout().lock())
    }

    fn note<T>(r: std::io::Result<T>) -> std::io::Result<T> {
        if r.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
        r
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Self::note(self.0.write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Self::note(self.0.flush())
    }
}

fn main() -> ExitCode {
    // a panic of the PDF reader is that file's error (a row of documents.csv and one line here
    // naming the file), not a message of its own on stderr
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !entline::input::panic_is_a_file_error() {
            default_hook(info)
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print and end with 0; a usage error with EX_USAGE
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(EX_USAGE) } else { ExitCode::SUCCESS };
        }
    };
    let result = run(cli);
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return ExitCode::SUCCESS;
    }
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("entline: {e}");
            ExitCode::from(1)
        }
    }
}
