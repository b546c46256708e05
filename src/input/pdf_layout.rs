//! The text of a PDF's pages as one document: running headers and footers (a line at the top or
//! bottom of most pages, page numbers aside) dropped, a paragraph's lines joined (a line-end
//! hyphen between two letters rejoined), a blank line between paragraphs and between pages.

use std::collections::HashMap;

/// Lines of the top and the bottom of a page looked at for running headers and footers.
const EDGE_LINES: usize = 2;

/// A line's shape for comparing running headers: digits (page numbers, dates) and spacing
/// ignored, case folded.
fn shape(line: &str) -> String {
    line.chars().filter(|c| !c.is_whitespace()).map(|c| if c.is_ascii_digit() { '#' } else { c.to_ascii_lowercase() }).collect()
}

/// Whether a line is only a page number ("3", "- 3 -", "Page 3 of 9", "iv").
fn page_number(line: &str) -> bool {
    let t = line.trim().trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let t = t.strip_prefix("Page ").or_else(|| t.strip_prefix("page ")).unwrap_or(t);
    let t = t.split(" of ").next().unwrap_or(t).trim();
    !t.is_empty() && (t.chars().all(|c| c.is_ascii_digit()) || (t.len() <= 5 && t.chars().all(|c| "ivxlc".contains(c))))
}

/// The lines of each page (trimmed at the end), without running headers and footers: with three
/// pages or more, a line among the first or last [`EDGE_LINES`] non-blank lines of a page whose
/// shape is at an edge of more than half the pages, and lone page numbers there.
fn strip_running(pages: &[String]) -> Vec<Vec<&str>> {
    let lines: Vec<Vec<&str>> = pages.iter().map(|p| p.lines().map(str::trim_end).collect()).collect();
    let edges = |ls: &Vec<&str>| -> Vec<usize> {
        let filled: Vec<usize> = (0..ls.len()).filter(|&i| !ls[i].trim().is_empty()).collect();
        let mut e: Vec<usize> = filled.iter().take(EDGE_LINES).chain(filled.iter().rev().take(EDGE_LINES)).copied().collect();
        e.sort_unstable();
        e.dedup();
        e
    };
    if pages.len() < 3 {
        return lines;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for ls in &lines {
        let mut shapes: Vec<String> = edges(ls).into_iter().map(|i| shape(ls[i])).collect();
        shapes.sort();
        shapes.dedup();
        for s in shapes {
            *seen.entry(s).or_default() += 1;
        }
    }
    let most = pages.len() / 2;
    lines
        .into_iter()
        .map(|ls| {
            let drop: Vec<usize> =
                edges(&ls).into_iter().filter(|&i| page_number(ls[i]) || seen.get(&shape(ls[i])).is_some_and(|&n| n > most)).collect();
            ls.into_iter().enumerate().filter(|(i, _)| !drop.contains(i)).map(|(_, l)| l).collect()
        })
        .collect()
}

/// Whether `prev` ends a word with a hyphen that the line break put there ("inter-" + "national").
fn hyphen_break(prev: &str, next: &str) -> bool {
    let mut back = prev.chars().rev();
    back.next() == Some('-') && back.next().is_some_and(char::is_alphabetic) && next.chars().next().is_some_and(char::is_lowercase)
}

/// The pages' text as one document (see the module's description).
pub fn join_pages(pages: &[String]) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    for page in strip_running(pages) {
        let mut para = String::new();
        for line in page {
            let l = line.trim();
            if l.is_empty() {
                if !para.is_empty() {
                    paragraphs.push(std::mem::take(&mut para));
                }
                continue;
            }
            if para.is_empty() {
                para.push_str(l);
            } else if hyphen_break(&para, l) {
                para.pop();
                para.push_str(l);
            } else {
                para.push(' ');
                para.push_str(l);
            }
        }
        if !para.is_empty() {
            paragraphs.push(para);
        }
    }
    let mut out = paragraphs.join("\n\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_hyphens_and_pages() {
        let pages = vec!["The inter-\nnational court met\nin Paris.\n\nA second para.\n".to_string(), "Next page, well-\nKnown.\n".to_string()];
        assert_eq!(join_pages(&pages), "The international court met in Paris.\n\nA second para.\n\nNext page, well- Known.\n");
    }

    #[test]
    fn running_headers_and_footers_dropped() {
        let words = ["Alpha", "Beta", "Gamma", "Delta"];
        let pages: Vec<String> = (1..=4).map(|n| format!("ACME Annual Report 202{n}\n\n{} text.\n\nConfidential\n{n}\n", words[n - 1])).collect();
        assert_eq!(join_pages(&pages), "Alpha text.\n\nBeta text.\n\nGamma text.\n\nDelta text.\n");
        // two pages: nothing is "most pages"
        let two: Vec<String> = pages[..2].to_vec();
        assert!(join_pages(&two).starts_with("ACME Annual Report 2021\n\n"));
    }
}
