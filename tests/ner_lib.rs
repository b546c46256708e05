//! Library-level tests of the NER pipeline with the shipped model.

use entline::ner::{self, Ner, NerOptions, WordDoc};

fn load(batch_size: usize) -> Ner {
    let dir = ner::default_model_dir();
    Ner::load(dir.to_str().unwrap(), NerOptions { batch_size: Some(batch_size), ..Default::default() }).expect("shipped model loads")
}

/// rust-bert's NERModel::predict panics when its last internal batch holds one input (batch size
/// 4, five inputs of mixed length). Our batching must not.
#[test]
fn last_batch_of_one_and_mixed_lengths() {
    let ner = load(4);
    let texts = [
        "Angela Merkel spoke.",
        "In Paris, the European Commission and Microsoft met representatives of the United Nations for a long discussion about trade.",
        "Hi.",
        "Barack Obama visited Kenya and then flew back to Washington on Air Force One.",
        "Tokyo",
    ];
    let docs: Vec<WordDoc> = texts.iter().map(|t| WordDoc::from_text(t)).collect();
    let res = ner.extract(&docs).expect("extract");
    assert_eq!(res.len(), 5);
    assert!(res[0].iter().any(|m| m.text == "Angela Merkel" && m.label == "PER"));
    assert!(res[3].iter().any(|m| m.text == "Barack Obama" && m.label == "PER"));
    // same results one document at a time and with batch size 1
    let single = load(1);
    for (i, d) in docs.iter().enumerate() {
        let alone = single.extract(std::slice::from_ref(d)).unwrap();
        let a: Vec<_> = alone[0].iter().map(|m| (m.start, m.end, m.label.clone())).collect();
        let b: Vec<_> = res[i].iter().map(|m| (m.start, m.end, m.label.clone())).collect();
        assert_eq!(a, b, "doc {i}");
    }
}

#[test]
fn empty_and_whitespace_documents() {
    let ner = load(8);
    let docs = vec![WordDoc::from_text(""), WordDoc::from_text(" \r\n\t "), WordDoc::from_text("Berlin")];
    let res = ner.extract(&docs).unwrap();
    assert!(res[0].is_empty() && res[1].is_empty());
    assert_eq!(res[2].len(), 1);
    assert!(res.iter().flatten().all(|m| m.score > 0.0 && m.score <= 1.0));
}

/// f32 and bf16 computation find the same entities in the seed (bf16 is what `auto` picks on CPUs
/// with native bf16; the shipped model scores the same CoNLL dev F1 either way).
#[test]
fn f32_and_bf16_agree_on_the_seed() {
    let seed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/000_78fbce519b3fcfe3.txt")).unwrap();
    let doc = WordDoc::from_text(&seed);
    let spans = |precision| -> Vec<(usize, usize, String)> {
        let dir = ner::default_model_dir();
        let ner = Ner::load(dir.to_str().unwrap(), NerOptions { precision, ..Default::default() }).expect("loads");
        let m = ner.extract(std::slice::from_ref(&doc)).expect("extract");
        m[0].iter().map(|m| (m.start, m.end, m.label.clone())).collect()
    };
    let (a, b) = (spans(ner::Precision::F32), spans(ner::Precision::Bf16));
    assert!(a.iter().any(|m| &seed[m.0..m.1] == "Claudia Sheinbaum"));
    assert_eq!(a, b);
}
