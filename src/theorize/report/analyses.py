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
    scope = f"Computed on {plural(len(result.interviews), who[:-1], who)} in the order they were held, counting {what}."
    with tempfile.TemporaryDirectory(prefix="theorize-report-") as tmp:
        kwargs = dict(bootstrap=result.bootstrap, saturation=result.guest, title=f"Code discovery: {what}, {who}")
        svg = plot_discovery_curve(result.curve, Path(tmp) / "curve.svg", **kwargs).read_text(encoding="utf-8")
        png = plot_discovery_curve(result.curve, Path(tmp) / "curve.png", **kwargs).read_bytes()
    caption = (
        f"Codes observed per interview ({what}, {who}), with new codes per interview and the "
        f"range over {result.bootstrap.n_orders:,} random interview orders."
    )
    alt = f"Discovery curve. {result.statement}"
    return Analysis(
        title, statement=result.statement, figure=Figure("saturation", caption, alt, png, svg), notes=[scope]
    )


def agreement(study, *, coders=None, stage: str | None = "focused", unit: str = "turn") -> Analysis:
    """Agreement per code and overall (the last row, "all codes"), with a sentence summarising it."""
    title = "Intercoder agreement"
    try:
        result = study.agreement(coders=coders, stage=stage, unit=unit)
    except InvalidInput as exc:
        return Analysis(title, omitted=f"Intercoder agreement is not reported: {_sentence(exc)}")
    if result.table.empty:
        return Analysis(title, omitted="Intercoder agreement is not reported: no codes were compared.")
    frame = result.to_frame(all_codes=ALL_CODES)
    skip = {"code_id", "alpha_resamples"}
    units = frame["units"] if "units" in frame.columns else None
    constant_units = units is not None and units.nunique() == 1
    columns = [c for c in frame.columns if c not in skip and not (c == "units" and constant_units)]
    header = [_short(c, unit) for c in columns]
    rows = [[percent(r[c]) if c == "percent_agreement" else cell(r[c]) for c in columns] for _, r in frame.iterrows()]
    caption = (
        f"Agreement of {listing(result.coders)} by {unit}"
        + (f", {stage} codes" if stage else "")
        + f", on {plural(len(result.sources), 'source')}"
    )
    if constant_units and units is not None:
        caption += f" ({int(units.iloc[0]):,} {unit}s)"
    last = len(rows) - 1
    table = Table(header, rows, caption=caption, numeric=set(range(1, len(columns))), emphasis={last})
    notes = [n for n in [_legend(columns, result.coders, unit)] if n]
    notes.append("Each code counts its own codings here, not those of the codes beneath it.")
    notes += list(result.notes)
    if any(MISSING in row for row in rows):
        notes.append(
            f"{MISSING} marks a coefficient that is not defined for that code (for example when a code "
            "was never or always applied)."
        )
    if len(result.disagreements):
        notes.append(
            f"The coders differed on {plural(len(result.disagreements), unit)}; adjudications are recorded as memos."
        )
    return Analysis(title, statement=_agreement_sentence(result, unit, stage), table=table, notes=notes)


def _agreement_sentence(result, unit: str, stage: str | None) -> str:
    codes, overall = result.table, result.overall
    what = f"{stage} codes" if stage else "codes"
    text = (
        f"{listing(result.coders)} coded {plural(len(result.sources), 'source')} independently; "
        f"agreement was measured on the presence of each of {plural(len(codes), what[:-1], what)} in each {unit}"
    )
    has_alpha = "alpha" in codes.columns
    if has_alpha and _finite(overall.get("alpha")):
        text += f": Krippendorff's \u03b1 = {overall['alpha']:.2f} over all codes"
        if _finite(overall.get("alpha_ci_low")) and _finite(overall.get("alpha_ci_high")):
            text += f" (95% CI {overall['alpha_ci_low']:.2f}\u2013{overall['alpha_ci_high']:.2f}, resampling {unit}s)"
        if _finite(overall.get("kappa")):
            text += f"; Cohen\u2019s \u03ba = {overall['kappa']:.2f}"
            if _finite(overall.get("percent_agreement")):
                text += f", {percent(overall['percent_agreement'])} agreement"
    text += "."
    if has_alpha:
        values = [(r.code, float(r.alpha)) for r in codes.itertuples() if _finite(r.alpha)]
        if values:
            good = sum(v >= ALPHA_GOOD for _, v in values)
            tentative = sum(ALPHA_TENTATIVE <= v < ALPHA_GOOD for _, v in values)
            low_code, low = min(values, key=lambda x: x[1])
            text += (
                f" {good} of {len(values)} codes reached \u03b1 \u2265 {ALPHA_GOOD:.2f}"
                + (f" and {tentative} more \u03b1 \u2265 {ALPHA_TENTATIVE:.3f}" if tentative else "")
                + f" (Krippendorff 2004); the lowest was \u201c{low_code}\u201d (\u03b1 = {low:.2f})."
            )
    return text


ALL_CODES = "all codes"
_SHORT = {
    "percent_agreement": "Agreement",
    "alpha": "\u03b1",
    "alpha_ci_low": "\u03b1 low",
    "alpha_ci_high": "\u03b1 high",
    "kappa": "\u03ba",
    "binary_u_alpha": "binary u-\u03b1",
    "u_alpha": "u-\u03b1",
    "units": "Units",
}


def _short(column: str, unit: str) -> str:
    """Short table headings; :func:`_legend` spells them out."""
    if column == "code":
        return "Code"
    if column == "units_coded":
        return f"{unit.capitalize()}s coded"
    if column.startswith("coded_by_"):
        return column[len("coded_by_") :]
    return _SHORT.get(column, column.replace("_", " ").capitalize())


def _legend(columns: list[str], coders: list[str], unit: str) -> str:
    parts = []
    if "units_coded" in columns:
        parts.append(
            f"{unit}s coded: {unit}s any coder gave the code; under each coder\u2019s name, the {unit}s "
            "that coder gave it"
        )
    if "percent_agreement" in columns:
        parts.append(f"agreement: the share of {unit}s where the coders agreed on the code\u2019s presence")
    if "alpha" in columns:
        parts.append("\u03b1: Krippendorff\u2019s alpha (nominal)")
    if "alpha_ci_low" in columns:
        parts.append(f"\u03b1 low, high: its 95% bootstrap interval, resampling {unit}s")
    if "kappa" in columns:
        parts.append("\u03ba: Cohen\u2019s kappa")
    if "binary_u_alpha" in columns:
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
