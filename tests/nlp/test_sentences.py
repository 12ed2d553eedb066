"""case_sentences: boundaries that survive case-report abbreviations and PDF line breaks."""

from __future__ import annotations


def sentences(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents if s.text.strip()]


def test_fig_does_not_end_a_sentence(nlp_no_ner):
    # corpus/dev/txt/surgcasereports2022_lv_myocardial.txt
    text = (
        "When the heart was arrested, a circular mass was observed at the end of the diagonal "
        "branch (Fig. 4A). The mass was trimmed in the shape of a tear drop and resected from "
        "the left ventricular wall with a sharp-edged knife (Fig. 4B)."
    )
    got = sentences(nlp_no_ner, text)
    assert len(got) == 2
    assert got[0].endswith("(Fig. 4A).")


def test_ie_and_eg_inside_parentheses(nlp_no_ner):
    # corpus/maccrobat/24957905.txt and corpus/dev/txt/mandel2019_bmccancer_intracranial.txt
    text = (
        "This patient had characteristic features of achondroplasia (i.e., short stature, lumbar "
        "lordosis, short proximal long bones, large hands, frontal bossing, and flat nasal bridge) "
        "[Figure 1]. Most GISTs are diagnosed early due to the presence of symptoms (e.g., "
        "abdominal discomfort/pain, anemia, etc.); at times, diagnosis could be incidental."
    )
    got = sentences(nlp_no_ner, text)
    assert len(got) == 2
    assert got[1].startswith("Most GISTs")


def test_et_al_inside_a_sentence(nlp_no_ner):
    # corpus/seed/shimizu2018_extracted.txt
    text = (
        "Suzuki et al.\nreported the case of two patients who underwent\ncomplete resection of "
        "bone metastases (other than the spine) of GIST. In such\ncases, posterior decompression "
        "and instrumentation\nwere performed."
    )
    got = sentences(nlp_no_ner, text)
    assert len(got) == 2
    assert got[0].startswith("Suzuki et al.") and "of GIST." in got[0]


def test_et_al_before_a_name_in_jats_text(nlp_no_ner):
    # corpus/jats: "Chordomas were first described by Lushka et al. in 1856 [..]"
    text = "Chordomas were first described by Lushka et al. in 1856 [1]. They arise from the notochord."
    assert len(sentences(nlp_no_ner, text)) == 2


def test_blank_line_inside_a_sentence_from_a_pdf(nlp_no_ner):
    # corpus/seed/shimizu2018_extracted.txt: a page break left a blank line mid-sentence
    text = "This is the first report of radical metastasectomy for\n\nsolitary spinal metastasis of GIST."
    assert len(sentences(nlp_no_ner, text)) == 1


def test_blank_line_before_a_capital_starts_a_sentence(nlp_no_ner):
    text = "Table 1 Clinical data for 12 cases\n\nPatient Primary tumor location"
    assert len(sentences(nlp_no_ner, text)) == 2


def test_listed_abbreviations(nlp_no_ner):
    # constructed: the corpus has no "approx.", "vs.", "no. 3", "pt." inside a sentence
    for text in (
        "The tumor measured approx. 5 cm in diameter.",
        "Overall survival was 37 vs. 19 months.",
        "He was admitted to ward no. 3 of our hospital.",
        "The pt. was discharged on day 10.",
        "He was referred to Dr. Smith for radiotherapy.",
        "The acknowledgement goes to Dr. Matthew Ringel for his review.",
    ):
        assert len(sentences(nlp_no_ner, text)) == 1, text


def test_a_number_after_a_full_stop_starts_a_sentence(nlp_no_ner):
    text = "He was discharged on day 10. 3 months later, a CT scan showed a liver lesion."
    assert len(sentences(nlp_no_ner, text)) == 2


def test_a_long_table_is_cut_at_line_breaks(nlp_no_ner):
    rows = "\n".join(f"{i} Stomach L, V, B Zoledronic acid [{i}]" for i in range(1, 60))
    doc = nlp_no_ner(rows)
    assert max(len(s) for s in doc.sents) <= 200


def test_a_letter_ending_a_phrase_ends_the_sentence(nlp_no_ner):
    # corpus/maccrobat (one sentence a line there): units, hepatitis C, IV, a.m.
    for text in (
        "The patient had a history of chronic hepatitis C.\nPEG-IFN-α-2a plus ribavirin was given.",
        "The 24-hour urine volume was 2.8 L.\nHis chest radiograph revealed a mass.",
        "Resuscitation and injection of diazepam IV.\nThe post-critical examination was normal.",
        "The frame was placed around 09:00 a.m.\nAfter planning, the electrodes were implanted.",
    ):
        assert len(sentences(nlp_no_ner, text)) == 2, text
    assert len(sentences(nlp_no_ner, "He was referred by Dr. J. Smith to our hospital.")) == 1


def test_maccrobat_lines_are_sentences(nlp_no_ner, corpus):
    """MACCROBAT keeps one sentence a line: our boundaries find almost every line start."""
    gold_total = missed = extra = 0
    for path in sorted((corpus / "maccrobat").glob("*.txt"))[:40]:
        text = path.read_text(encoding="utf-8")
        gold, pos = set(), 0
        for line in text.split("\n"):
            if line.strip():
                gold.add(pos + len(line) - len(line.lstrip()))
            pos += len(line) + 1
        doc = nlp_no_ner.get_pipe("case_sentences")(nlp_no_ner.make_doc(text))
        pred = {s[0].idx for s in doc.sents}
        gold_total += len(gold)
        missed += len(gold - pred)
        extra += len(pred - gold)
    assert missed / gold_total < 0.01 and extra / gold_total < 0.01
