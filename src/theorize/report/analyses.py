"""Saturation and intercoder agreement for the report, or one line saying why they are left out.

Each analysis that does not apply to the project (one coder, no interviews in the group, no
codings of the stage) raises :class:`~theorize.errors.InvalidInput`; the section then carries that
reason instead of a table with empty numbers.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from theorize.errors import InvalidInput
from theorize.report.content import MISSING, Analysis, Figure, Table
from theorize.report.formatting import cell, listing, percent, plural

ALPHA_GOOD, ALPHA_TENTATIVE = 0.8, 0.667  # Krippendorff (2004): reliable; tentative conclusions


def saturation(study, *, group: str | None, stage: str | None, n_orders: int = 1000) -> Analysis:
    """Code saturation in interview order (Guest, Namey & Chen 2020) with its figure and statement."""
    from theorize.analysis.plots import plot_discovery_curve

    title = "Saturation"
    try:
        result = study.saturation(group=group, stage=stage, n_orders=n_orders)
    except InvalidInput as exc:
        return Analysis(title, omitted=f"Saturation is not reported: {_sentence(exc)}")
    who = f"{group} interviews" if group else "interviews"
    what = f"{stage} codes" if stage else "codes of every stage"
    scope = (f"Computed on {plural(len(result.interviews), who[:-1], who)} in the order they were held, "
             f"counting {what}.")
    with tempfile.TemporaryDirectory(prefix="theorize-report-") as tmp:
        kwargs = dict(bootstrap=result.bootstrap, saturation=result.guest,
                      title=f"Code discovery: {what}, {who}")
        svg = plot_discovery_curve(result.curve, Path(tmp) / "curve.svg", **kwargs).read_text(encoding="utf-8")
        png = plot_discovery_curve(result.curve, Path(tmp) / "curve.png", **kwargs).read_bytes()
    caption = (f"Codes observed per interview ({what}, {who}), with new codes per interview and the "
               f"range over {result.bootstrap.n_orders:,} random interview orders.")
    alt = f"Discovery curve. {result.statement}"
    return Analysis(title, statement=result.statement, figure=Figure("saturation", caption, alt, png, svg),
                    notes=[scope])


def agreement(study, *, coders=None, stage: str | None = "focused", unit: str = "turn") -> Analysis:
    """Agreement per code and overall (the last row, "all codes"), with a sentence summarising it."""
    title = "Intercoder agreement"
    try:
        result = study.agreement(coders=coders, stage=stage, unit=unit)
    except InvalidInput as exc:
        return Analysis(title, omitted=f"Intercoder agreement is not reported: {_sentence(exc)}")
    frame = result.table
    if frame.empty:
        return Analysis(title, omitted="Intercoder agreement is not reported: no codes were compared.")
    units = frame["units"] if "units" in frame.columns else None
    constant_units = units is not None and units.nunique() == 1
    columns = [c for c in frame.columns if not (c == "units" and constant_units)]
    header = [_short(c, unit) for c in columns]
    rows = [[percent(r[c]) if c == "percent agreement" else cell(r[c]) for c in columns]
            for _, r in frame.iterrows()]
    caption = (f"Agreement of {listing(result.coders)} by {unit}" + (f", {stage} codes" if stage else "")
               + f", on {plural(len(result.sources), 'source')}")
    if constant_units:
        caption += f" ({int(units.iloc[0]):,} {unit}s)"
    last = len(rows) - 1 if frame["code"].iloc[-1] == "all codes" else None
    table = Table(header, rows, caption=caption, numeric=set(range(1, len(columns))),
                  emphasis={last} if last is not None else set())
    notes = [n for n in [_legend(columns, result.coders, unit)] if n] + list(result.notes)
    if any(MISSING in row for row in rows):
        notes.append(f"{MISSING} marks a coefficient that is not defined for that code (for example when a code "
                     "was never or always applied).")
    if len(result.disagreements):
        notes.append(f"The coders differed on {plural(len(result.disagreements), unit)}; "
                     "adjudications are recorded as memos.")
    return Analysis(title, statement=_agreement_sentence(frame, result, unit, stage), table=table, notes=notes)


def _agreement_sentence(frame, result, unit: str, stage: str | None) -> str:
    codes = frame[frame["code"] != "all codes"]
    overall = frame[frame["code"] == "all codes"]
    what = f"{stage} codes" if stage else "codes"
    text = (f"{listing(result.coders)} coded {plural(len(result.sources), 'source')} independently; "
            f"agreement was measured on the presence of each of {plural(len(codes), what[:-1], what)} in each {unit}")
    alpha_col = "Krippendorff's alpha" if "Krippendorff's alpha" in frame.columns else None
    if alpha_col and not overall.empty and _finite(overall[alpha_col].iloc[0]):
        text += f": Krippendorff's \u03b1 = {overall[alpha_col].iloc[0]:.2f} over all codes"
        kappa = overall["Cohen's kappa"].iloc[0] if "Cohen's kappa" in frame.columns else None
        if _finite(kappa):
            text += f" (Cohen\u2019s \u03ba = {kappa:.2f}"
            if "percent agreement" in frame.columns and _finite(overall["percent agreement"].iloc[0]):
                text += f", {percent(overall['percent agreement'].iloc[0])} agreement"
            text += ")"
    text += "."
    if alpha_col:
        values = [(r.code, float(v)) for r, v in zip(codes.itertuples(), codes[alpha_col]) if _finite(v)]
        if values:
            good = sum(v >= ALPHA_GOOD for _, v in values)
            tentative = sum(ALPHA_TENTATIVE <= v < ALPHA_GOOD for _, v in values)
            low_code, low = min(values, key=lambda x: x[1])
            text += (f" {good} of {len(values)} codes reached \u03b1 \u2265 {ALPHA_GOOD:.2f}"
                     + (f" and {tentative} more \u03b1 \u2265 {ALPHA_TENTATIVE:.3f}" if tentative else "")
                     + f" (Krippendorff 2004); the lowest was \u201c{low_code}\u201d (\u03b1 = {low:.2f}).")
    return text


_SHORT = {"percent agreement": "Agreement", "Krippendorff's alpha": "\u03b1", "Cohen's kappa": "\u03ba",
          "binary u-alpha": "binary u-\u03b1", "u-alpha": "u-\u03b1"}


def _short(column: str, unit: str) -> str:
    """Short table headings; :func:`_legend` spells them out."""
    if column == "code":
        return "Code"
    if column == "units coded":
        return f"{unit.capitalize()}s coded"
    if column.startswith("coded by "):
        return column[len("coded by "):]
    return _SHORT.get(column, column[:1].upper() + column[1:])


def _legend(columns: list[str], coders: list[str], unit: str) -> str:
    parts = []
    if "units coded" in columns:
        parts.append(f"{unit}s coded: {unit}s any coder gave the code; under each coder\u2019s name, the {unit}s "
                     "that coder gave it")
    if "percent agreement" in columns:
        parts.append(f"agreement: the share of {unit}s where the coders agreed on the code\u2019s presence")
    if "Krippendorff's alpha" in columns:
        parts.append("\u03b1: Krippendorff\u2019s alpha (nominal)")
    if "Cohen's kappa" in columns:
        parts.append("\u03ba: Cohen\u2019s kappa")
    if "binary u-alpha" in columns:
        parts.append("u-\u03b1: Krippendorff\u2019s unitizing alpha")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "." if text else ""


def _finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _sentence(exc: Exception) -> str:
    text = str(exc).strip()
    return text if text.endswith((".", "!", "?")) else text + "."
