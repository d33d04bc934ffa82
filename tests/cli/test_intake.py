"""`backstride intake`, `intake schema`, `assess` and `demo` through the real entry point."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.cli.interview import run_interview
from backstride.cli.main import main
from backstride.config import Settings
from backstride.intake import assess, load_instruments, shipped_instruments, validate_intake
from backstride.intake.form import AnswerError, Problem, Question, Section, parse
from backstride.intake.questions import intake_sections
from backstride.services.demo.data import demo_intake_document

TODAY = dt.date(2026, 11, 25)
ESSENTIALS = "35\nmale\n\n\nlow_back\ncentral\n3\n\nn\nn\nn\nn\nn\n"
OFFERS = ("nprs", "odi", "rmdq", "startback", "psfs", "triad", "clinician")
BLANKS = "\n" * 200 + "skip\n" * len(OFFERS)
"""Enter for every other question (its default), then skip each optional section: blank lines
left over are refused by the first offer, which needs an explicit answer."""


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # a draft written by default lands here, not in the checkout
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BACKSTRIDE_INSTRUMENT_WORDING_DIR", raising=False)
    return tmp_path / "data"


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo_intake_document()), encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    bad = demo_intake_document()
    bad["odi"]["items"]["3"] = 9
    bad["odi"]["items"]["12"] = 1
    bad["about"]["age_years"] = "old"
    del bad["symptoms"]["side"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    return path


BAD_PATHS = {"about.age_years", "symptoms.side", "odi.items.3", "odi.items.12"}


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["intake", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"about", "symptoms", "red_flags", "odi", "triad"} <= set(schema["properties"])


def test_assess_json_gives_disposition_reasons_with_sources_and_scores(
    data_dir: Path, demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(demo_file), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["disposition"] == "clinician"
    assert [r["code"] for r in out["reasons"]] == ["pattern.sacroiliac"]
    assert all(r["text"] and r["source"] for r in out["reasons"])
    assert out["scores"]["startback.risk_group"] == "medium"
    assert out["scores"]["odi.percent"] == pytest.approx(22.0)
    assert out["scores"]["rmdq.total"] == 6


def test_assess_prints_a_readable_assessment(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(demo_intake_document()), encoding="utf-8")
    assert main(["assess", str(path)]) == 0
    out = capsys.readouterr().out
    for text in ("Book a clinician assessment", "pattern.sacroiliac", "Laslett", "odi.percent",
                 "Safety-netting", "[default]", "not a diagnosis"):  # fmt: skip
        assert text in out


def test_assess_shows_rounded_scores_and_the_training_error(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = demo_intake_document()
    document["odi"]["items"] = {str(i): v for i, v in enumerate([2, 2, 1, 1, 2, 1, 1, 2, 1, 1], 1)}
    document["running"]["load_increase_pct"] = 35
    path = tmp_path / "odi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["assess", str(path)]) == 0
    out = capsys.readouterr().out
    assert "28 %" in out
    assert "28.0000" not in out
    assert "4.67" in out  # PSFS mean 14/3
    assert "Training error" in out
    assert main(["assess", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scores"]["odi.percent"] == 28.0
    assert data["scores_display"]["odi.percent"] == "28 %"


def test_bad_input_exits_2_listing_every_problem_as_json(
    data_dir: Path, bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(bad_file), "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "intake.invalid"
    assert error["detail"]
    assert {p["path"] for p in error["problems"]} == BAD_PATHS


def test_bad_input_exits_2_listing_every_problem_readably(
    data_dir: Path, bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(bad_file)]) == 2
    err = capsys.readouterr().err
    assert "intake.invalid" in err
    assert all(path in err for path in BAD_PATHS)


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [("{not json", "x.json", "intake.unreadable"), ("- a list", "x.yaml", "intake.invalid")],
)
def test_unreadable_files_are_coded_errors(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    name: str,
    code: str,
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    assert main(["assess", str(tmp_path / name), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == code


@pytest.mark.parametrize("name", ["misspelt.json", "misspelt.yaml"])
def test_an_unknown_field_in_a_file_is_refused_with_its_path(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    document = demo_intake_document()
    document["red_flags"]["fevre"] = True
    path = tmp_path / name
    text = json.dumps(document) if name.endswith(".json") else yaml.safe_dump(document)
    path.write_text(text, encoding="utf-8")
    assert main(["assess", str(path), "--json", "--save", "--runner", "ana"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "intake.invalid"
    assert [p["path"] for p in error["problems"]] == ["red_flags.fevre"]
    assert not (data_dir / "backstride.db").exists() or _no_intakes(data_dir)


def _no_intakes(data_dir: Path) -> bool:
    from sqlalchemy import func, select

    from backstride.cli._context import open_session
    from backstride.store.models import Intake

    with open_session(Settings(data_dir=data_dir)) as session:
        return session.scalar(select(func.count()).select_from(Intake)) == 0


def test_an_answer_given_twice_in_a_yaml_file_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(yaml.safe_dump(demo_intake_document()) + "about:\n  age_years: 60\n",
                    encoding="utf-8")  # fmt: skip
    assert main(["assess", str(path), "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert (error["code"], error["problems"][0]["path"]) == ("intake.invalid", "about")


def test_a_missing_file_is_a_coded_error(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(tmp_path / "nope.json"), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "intake.file_not_found"


def test_save_stores_the_assessment_for_the_runner(
    data_dir: Path, demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(demo_file), "--json", "--save", "--runner", "ana"]) == 0
    out = json.loads(capsys.readouterr().out)
    from backstride.cli._context import open_session
    from backstride.services.intake import latest_assessment

    with open_session(Settings(data_dir=data_dir)) as session:
        stored = latest_assessment(session, runner_id=out["runner_id"])
    assert stored is not None
    assert stored.reason_codes == ("pattern.sacroiliac",)


def test_save_needs_a_runner(
    data_dir: Path, demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(demo_file), "--json", "--save"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "cli.missing_option"


def test_save_with_bad_input_writes_nothing(
    data_dir: Path, bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(bad_file), "--save", "--runner", "ana"]) == 2
    from sqlalchemy import func, select

    from backstride.cli._context import open_session
    from backstride.store.models import Intake, Runner

    with open_session(Settings(data_dir=data_dir)) as session:
        assert session.scalar(select(func.count()).select_from(Intake)) == 0
        assert session.scalar(select(func.count()).select_from(Runner)) == 0


def test_interactive_intake_through_stdin_re_asks_bad_answers_and_saves(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    answers = "200\n" + ESSENTIALS.replace("low_back\n", "spleen\nlow_back\n", 1) + BLANKS
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    out_file = tmp_path / "answers.yaml"
    assert main(["intake", "-o", str(out_file)]) == 0
    err = capsys.readouterr().err
    assert "please give a number from 8 to 110" in err
    assert "unknown: spleen" in err
    saved = yaml.safe_load(out_file.read_text(encoding="utf-8"))
    assert saved["about"] == {"age_years": 35, "sex": "male", "height_cm": None, "weight_kg": None}
    assert saved["red_flags"]["cauda_equina"]["saddle_numbness"] == "no"
    assert assess(saved, today=TODAY).disposition.value == "self_management"


def test_interactive_intake_skip_keeps_the_safety_item_unanswered(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = ESSENTIALS[: -len("n\n")] + "skip\n" + BLANKS
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    assert main(["intake"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["red_flags"]["cauda_equina"]["bilateral_leg_symptoms"] == "unanswered"
    assert assess(document, today=TODAY).reason_codes == ("screen.incomplete",)


def test_input_ending_early_keeps_a_private_draft_and_resume_finishes_it(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setattr(sys, "stdin", io.StringIO("35\nfemale\n"))
    out_file = tmp_path / "answers.json"
    assert main(["intake", "-o", str(out_file)]) == 1
    err = capsys.readouterr().err
    draft_file = tmp_path / "answers.json.draft.json"
    assert f"continue with: backstride intake --resume {draft_file}" in err
    assert not out_file.exists()
    assert draft_file.stat().st_mode & 0o777 == 0o600  # health data: the owner only
    draft = json.loads(draft_file.read_text(encoding="utf-8"))
    assert draft["answers"]["about"] == {"age_years": 35, "sex": "female"}
    assert draft["asked"] == ["about.age_years", "about.sex"]

    rest = "\n\nlow_back\ncentral\n10 days\n\nn\nn\nn\nn\nn\n" + BLANKS
    monkeypatch.setattr(sys, "stdin", io.StringIO(rest))
    assert main(["intake", "--resume", str(draft_file), "-o", str(out_file)]) == 0
    err = capsys.readouterr().err
    assert "2 answers kept" in err
    assert "How old are you" not in err  # answered questions are not asked again
    saved = json.loads(out_file.read_text(encoding="utf-8"))
    assert (saved["about"]["age_years"], saved["about"]["sex"]) == (35, "female")
    assert saved["symptoms"]["duration_days"] == 10
    assert not draft_file.exists()


class _InterruptAfter(io.StringIO):
    """Standard input that is interrupted (Ctrl-C) once its lines run out."""

    # typeshed's own TextIOBase.readline carries this ignore: _IOBase declares it -> bytes
    def readline(self, size: int = -1, /) -> str:  # type: ignore[override]
        line = super().readline()
        if not line:
            raise KeyboardInterrupt
        return line


def test_ctrl_c_keeps_a_draft_too(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setattr(sys, "stdin", _InterruptAfter("35\nmale\n\n\nlow_back\n"))
    assert main(["intake"]) == 1
    assert "5 answers kept in intake-draft.json" in capsys.readouterr().err
    draft = json.loads((tmp_path / "intake-draft.json").read_text(encoding="utf-8"))
    assert draft["answers"]["symptoms"] == {"locations": ["low_back"]}


@pytest.mark.parametrize(
    ("content", "code"),
    [("{not json", "intake.draft_invalid"), ('{"format": "x"}', "intake.draft_invalid")],
)
def test_a_damaged_draft_is_a_coded_error(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, code: str
) -> None:
    draft = tmp_path / "d.json"
    draft.write_text(content, encoding="utf-8")
    assert main(["intake", "--resume", str(draft)]) == 2
    assert code in capsys.readouterr().err


def test_sections_have_headings_and_a_progress_count(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(ESSENTIALS + BLANKS))
    assert main(["intake"]) == 0
    err = capsys.readouterr().err
    total = len(intake_sections())
    assert f"Section 1 of {total}" in err
    assert f"Section 3 of {total} - Safety questions: nerves, bladder and bowel" in err
    assert f"Section {total} of {total} - Examination findings (clinician)" in err


def test_a_bare_enter_does_not_skip_a_questionnaire(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(ESSENTIALS + BLANKS))
    assert main(["intake"]) == 0
    captured = capsys.readouterr()
    assert "an answer is needed (or type skip)" in captured.err
    document = json.loads(captured.out)
    assert all(document[k] is None for k in OFFERS)  # each skipped by an explicit "skip"


def test_questionnaire_items_show_what_their_answers_mean(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = ESSENTIALS + "\n" * 200 + "y\n" + "3\n" * 7 + "skip\n" * 2 + "y\n"
    answers += "y\n" * 8 + "very much\n" + "skip\n" * 3
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    rc = main(["intake"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err[-3000:]
    assert "0 = no pain   10 = worst pain imaginable" in captured.err  # NPRS anchors
    assert "y = agree, n = disagree" in captured.err  # STarT items 1-8
    assert "very much" in captured.err  # item 9's choices in plain words
    document = json.loads(captured.out)
    assert document["nprs"]["items"]["now"] == 3
    assert document["startback"]["items"]["9"] == "very_much"
    assert assess(document, today=TODAY).scores["startback.risk_group"] == "high"


def test_no_pain_location_asks_for_the_numbness_or_weakness_again(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # leg pain, tingling, weakness, foot drop, gait: Enter; then the re-asked tingling: y
    answers = ESSENTIALS.replace("low_back", "none") + "\n" * 5 + "y\n" + BLANKS
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    assert main(["intake"]) == 0
    captured = capsys.readouterr()
    assert "you said there is no pain" in captured.err
    document = json.loads(captured.out)
    assert document["symptoms"]["locations"] == []
    assert document["symptoms"]["leg_tingling_numbness"] is True


def test_an_answer_the_final_check_refuses_is_asked_again(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # recurrent pain that began at 50 in a 35-year-old; asked again at the end, answered 20
    answers = ESSENTIALS.replace("3\n\n", "3\nn\n50\n", 1) + BLANKS + "20\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    assert main(["intake"]) == 0
    captured = capsys.readouterr()
    assert "age at onset 50 is above the runner's age 35" in captured.err
    assert json.loads(captured.out)["symptoms"]["age_at_onset_years"] == 20


def test_interactive_intake_through_the_installed_command(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "backstride"
    env = {"BACKSTRIDE_DATA_DIR": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run(
        [str(exe), "intake"], input=ESSENTIALS + BLANKS, env=env, capture_output=True,
        text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    document = json.loads(done.stdout)
    assert validate_intake(document).about.age_years == 35


class Scripted:
    """Answers by question path (default: the question's own default); records the texts."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.texts: dict[str, str] = {}
        self.sections: list[str] = []

    def ask(self, question: Question) -> Any:
        self.texts[question.path] = question.text
        try:
            return parse(question, self.answers.get(question.path, ""))
        except AnswerError:
            if question.skippable:  # offers and questionnaire items: an explicit skip
                return parse(question, "skip")
            raise

    def section(self, section: Section, number: int, total: int) -> None:
        self.sections.append(f"{number}/{total} {section.heading}")

    def problem(self, problem: Problem) -> None:
        raise AssertionError(problem)


def test_interview_asks_the_questionnaires_from_the_instrument_data() -> None:
    answers = dict(zip(["about.age_years", "about.sex", "symptoms.locations", "symptoms.side",
                        "symptoms.duration"], ["38", "female", "buttock", "right", "7"],
                       strict=True))  # fmt: skip
    answers.update({f"red_flags.cauda_equina.{k}": "n" for k in (
        "saddle_numbness", "bladder_change", "bowel_change", "sexual_dysfunction",
        "bilateral_leg_symptoms")})  # fmt: skip
    answers.update({"ask.odi": "y", "ask.startback": "y", "ask.psfs": "y", "ask.triad": "y",
                    "ask.clinician": "y", "clinician.laslett.distraction": "y",
                    "clinician.laslett.compression": "y"})  # fmt: skip
    answers.update({f"odi.items.{i}": "2" for i in range(1, 11)})
    answers.update({f"startback.items.{i}": "y" for i in range(1, 9)})
    answers.update({"startback.items.9": "extremely", "psfs.activities.0.name": "long run",
                    "psfs.activities.0.score": "3", "psfs.activities.1.name": "hills",
                    "psfs.activities.1.score": "5",
                    "triad.menses_last_12_months": "4"})  # fmt: skip
    document = run_interview(Scripted(answers), shipped_instruments())
    a = assess(document, today=TODAY)
    assert a.scores["odi.percent"] == pytest.approx(40.0)
    assert a.scores["startback.risk_group"] == "high"
    assert a.scores["psfs.mean"] == pytest.approx(4.0)
    assert a.scores["triad.points_menses"] == 2
    assert {"risk.startback_high", "pattern.sacroiliac"} <= set(a.reason_codes)
    assert "Laslett cluster positive" in str([r.detail for r in a.reasons])


def _essentials(sex: str) -> dict[str, str]:
    answers = dict(zip(["about.age_years", "about.sex", "symptoms.locations", "symptoms.side",
                        "symptoms.duration"], ["24", sex, "low_back", "left", "3"],
                       strict=True))  # fmt: skip
    answers.update({f"red_flags.cauda_equina.{k}": "n" for k in (
        "saddle_numbness", "bladder_change", "bowel_change", "sexual_dysfunction",
        "bilateral_leg_symptoms")})  # fmt: skip
    return answers


def test_the_interview_asks_every_triad_criterion_that_applies() -> None:
    answers = _essentials("female") | {
        "ask.triad": "y", "triad.energy_availability": "eating_disorder",
        "triad.eating_disorder_type": "bulimia", "triad.purging_per_week": "5",
        "triad.weight_loss_pct_per_month": "6", "triad.menses_not_assessable": "y",
        "triad.menses_last_12_months": "12",
    }  # fmt: skip
    prompter = Scripted(answers)
    document = run_interview(prompter, shipped_instruments())
    triad = document["triad"]
    assert (triad["purging_per_week"], triad["weight_loss_pct_per_month"]) == (5, 6)
    assert "triad.menses_last_12_months" not in prompter.texts  # not assessable: not asked
    a = assess(document, today=TODAY)
    # Bulimia with purging > 4 a week restricts regardless of points (De Souza 2014).
    assert a.scores["triad.clearance"] == "restricted"
    assert a.scores["triad.points_bmi"] == 1  # 6 % lost in a month
    assert a.scores["triad.points_menses"] == a.scores["triad.points_energy_availability"] == 2


def test_the_interview_asks_men_no_period_questions() -> None:
    prompter = Scripted(
        _essentials("male") | {"ask.triad": "y", "triad.energy_availability": "none"}
    )
    document = run_interview(prompter, shipped_instruments())
    period_questions = {"triad.menarche_age_years", "triad.menses_last_12_months",
                        "triad.menses_not_assessable", "triad.eating_disorder_type"}  # fmt: skip
    assert not period_questions & set(prompter.texts)
    assert document["triad"] == {"energy_availability": "none"}


def test_licensed_wording_replaces_the_summaries_in_the_interview(tmp_path: Path) -> None:
    (tmp_path / "odi.yaml").write_text("items:\n  '1': Licensed ODI section one\n", "utf-8")
    prompter = Scripted({"ask.odi": "y", "about.age_years": "30", "about.sex": "male",
                         "symptoms.locations": "low_back", "symptoms.side": "left",
                         "symptoms.duration": "2"} | {f"red_flags.cauda_equina.{k}": "n"
                        for k in ("saddle_numbness", "bladder_change", "bowel_change",
                                  "sexual_dysfunction", "bilateral_leg_symptoms")})  # fmt: skip
    run_interview(prompter, load_instruments(tmp_path))
    assert prompter.texts["odi.items.1"].startswith("Licensed ODI section one")


def test_demo_prints_the_demo_runners_assessment(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "pattern.sacroiliac" in out
    assert "Book a clinician assessment" in out
    assert (data_dir / "backstride.db").exists()
