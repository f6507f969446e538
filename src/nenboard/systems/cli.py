"""`nenboard simulate ...`: pathway predictions, combination ranking, virtual trials, SBML.

Interface only: parses options, calls the engines, renders. `InputError` raised
here is turned into exit code 2 by the CLI root.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from nenboard.errors import InputError
from nenboard.interface import working
from nenboard.systems import DISCLAIMER
from nenboard.systems import data as sysdata

app = typer.Typer(help="Systems biology: mTOR/PI3K/MAPK pathway model and clonal virtual "
                       "trials (research use only; not a clinical recommendation).",
                  no_args_is_help=True)

Fmt = Annotated[str, typer.Option("--format", "-f", help="table | json | tsv | png")]
Out = Annotated[Path | None, typer.Option("--output", "-o", help="write to FILE")]
CaseOpt = Annotated[Path | None, typer.Option("--case", help="case file (YAML/JSON; - reads "
                                                               "standard input)")]
GenoOpt = Annotated[list[str] | None, typer.Option("--genotype", "-g",
                                                   help="e.g. TSC2_loss (repeatable)")]


def _check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    f = fmt.lower()
    if f not in allowed:
        raise InputError.single("format", f"must be one of {', '.join(allowed)}", fmt)
    return f


def _check_out(output: Path | None) -> None:
    from nenboard.interface import check_output

    check_output(output)


def _emit(text: str | bytes, output: Path | None) -> None:
    if output is None:
        if isinstance(text, bytes):
            raise InputError.single("output", "png output needs -o FILE")
        typer.echo(text)
        return
    from nenboard.interface import write_output

    write_output(text if isinstance(text, bytes) else text + "\n", output)


def _genotypes(data: sysdata.SystemsData, names: list[str] | None, case: Path | None):
    from nenboard.interface import load_case
    from nenboard.knowledge import default_kb
    from nenboard.systems.case import genotypes_for_case
    from nenboard.systems.perturbations import genotypes_by_name

    found = genotypes_by_name(data, names or [])
    unmapped: list[dict[str, str]] = []
    if case is not None:  # the same profile `nenboard molecular` builds for the case
        extra, unmapped = genotypes_for_case(load_case(case), default_kb(), data.genotypes)
        found += [g for g in extra if g not in found]
    return found, unmapped


def _table(title: str, columns: list[str], rows: list[list[object]], footer: str,
           fmt: str = "table") -> str:
    """The table as text at the terminal width (words never split), or as TSV."""
    from nenboard.interface import width
    from nenboard.layout import Doc

    doc = Doc()
    if fmt != "tsv":
        doc.para(title, style="bold")
    table = doc.table(columns)
    for r in rows:
        table.add(*r)
    if fmt == "tsv":
        return doc.tsv().rstrip("\n")
    for line in footer.splitlines():
        doc.para(line)
    return doc.text(width()).rstrip()


@app.command()
def pathway(
    drug: Annotated[list[str], typer.Option("--drug", "-d", help="drug name (repeatable)")],
    genotype: GenoOpt = None,
    case: CaseOpt = None,
    dose_nm: Annotated[list[float] | None, typer.Option(
        "--dose-nm", help="dose in nM, one per --drug (default: per-drug default)")] = None,
    window_min: Annotated[float, typer.Option(help="simulated window, minutes")] = 60.0,
    fmt: Fmt = "table",
    output: Out = None,
) -> None:
    """Predict pAKT S473/T308, pS6K, pERK, mTORC1/2 for drugs on a genotype."""
    from nenboard.systems.pathway import predict
    from nenboard.systems.perturbations import dosed_drugs

    fmt = _check_format(fmt, ("table", "json", "png", "tsv"))
    _check_out(output)
    if not math.isfinite(window_min) or not 1 <= window_min <= 1440:
        raise InputError.single("window_min", "must be between 1 and 1440 minutes", window_min)
    data = sysdata.load()
    drugs = dosed_drugs(data, drug, dose_nm)
    genotypes, unmapped = _genotypes(data, genotype, case)
    result = predict(drugs, genotypes, window_min)
    if fmt == "png":
        from nenboard.systems.plots import pathway_figure

        label = " + ".join(d.drug.name for d in drugs)
        geno = ", ".join(g.id for g in genotypes) or "wild type"
        _emit(pathway_figure(result, f"{label} on {geno}"), output)
        return
    doc = result.to_json()
    doc["unmapped_alterations"] = unmapped
    if fmt == "json":
        _emit(json.dumps(doc, indent=2), output)
        return
    rows = [[k, f"{result.baseline[k]:.3f}", f"{result.treated[k]:.3f}",
             f"{result.fold_change[k]:.2f}"] for k in result.baseline]
    esc = result.escape
    footer = (f"{doc['window']}\nAKT rebound {esc['akt_rebound_fold']:.2f}x, ERK rebound "
              f"{esc['erk_rebound_fold']:.2f}x. {DISCLAIMER}")
    title = (f"{' + '.join(d.drug.name for d in drugs)} on "
             f"{', '.join(g.id for g in genotypes) or 'wild type'}")
    _emit(_table(title, ["readout", "baseline", "treated", "fold"], rows, footer, fmt), output)


@app.command()
def rank(
    genotype: GenoOpt = None,
    case: CaseOpt = None,
    drug: Annotated[list[str] | None, typer.Option(
        "--drug", "-d", help="candidate drugs (default: all with a model target)")] = None,
    max_size: Annotated[int, typer.Option(help="largest combination size")] = 2,
    top: Annotated[int, typer.Option(help="rows shown in the table")] = 15,
    scheduler: Annotated[str, typer.Option(help="'local' or a dask scheduler address")
                         ] = "local",
    fmt: Fmt = "table",
    output: Out = None,
) -> None:
    """Rank drugs and combinations for a genotype by pathway suppression."""
    from nenboard.systems.ensemble import mapper
    from nenboard.systems.pathway import rank_combinations
    from nenboard.systems.perturbations import DosedDrug, dosed_drugs

    fmt = _check_format(fmt, ("table", "json", "tsv"))
    _check_out(output)
    if not 1 <= max_size <= 3:
        raise InputError.single("max_size", "must be 1, 2 or 3", max_size)
    data = sysdata.load()
    genotypes, unmapped = _genotypes(data, genotype, case)
    if drug:
        candidates = dosed_drugs(data, drug)
    else:
        # drugs with the same perturbation (e.g. two SSAs) would rank as exact twins: keep one
        seen: set[str] = set()
        candidates = []
        for d in data.drugs.values():
            key = repr([e.model_dump() for e in d.effects])
            if d.effects and key not in seen:
                seen.add(key)
                candidates.append(DosedDrug(d, d.default_dose_nm or 1.0))
    with working(f"simulating {len(candidates)} drugs in combinations of up to {max_size}"):
        rows = rank_combinations(candidates, genotypes, max_size, mapper=mapper(scheduler))
    doc = {"genotype": [g.id for g in genotypes], "unmapped_alterations": unmapped,
           "score": "mean of pS6K, pAKT_S473, pERK relative to the untreated tumour "
                    "(lower = stronger suppression)",
           "window": "end of simulated window: 60 min after ligand stimulation",
           "ranking": rows, "disclaimer": DISCLAIMER}
    if fmt == "json":
        _emit(json.dumps(doc, indent=2), output)
        return
    table_rows = [[r["rank"], r["names"], f"{r['score']:.3f}",
                   f"{r['fold_change']['pS6K']:.2f}", f"{r['fold_change']['pAKT_S473']:.2f}",
                   f"{r['fold_change']['pERK']:.2f}",
                   ("AKT " if r["akt_escape"] else "") + ("ERK" if r["erk_escape"] else "")]
                  for r in rows[:top]]
    title = f"Pathway suppression ranking: {', '.join(doc['genotype']) or 'wild type'}"
    _emit(_table(title, ["#", "drugs", "score", "pS6K", "pAKT S473", "pERK", "escape"],
                 table_rows, DISCLAIMER, fmt), output)


@app.command()
def trial(
    sequence: Annotated[str, typer.Option(help="comma-separated, e.g. ssa,prrt,everolimus")],
    patients: Annotated[int, typer.Option(help="virtual patients")] = 10000,
    seed: Annotated[int, typer.Option(help="random seed (deterministic output)")] = 1,
    population: Annotated[str, typer.Option(
        help="calibrated trial population whose growth kinetics are used")] = "promid",
    fmt: Fmt = "table",
    output: Out = None,
) -> None:
    """Virtual trial of a therapy sequence: PFS per line and overall, with KM curves."""
    from nenboard.systems import calibration as cal
    from nenboard.systems.data import resolve_therapy
    from nenboard.systems.trial import run_sequence, summarise

    fmt = _check_format(fmt, ("table", "json", "png", "tsv"))
    _check_out(output)
    if not 1 <= patients <= 2_000_000:
        raise InputError.single("patients", "must be between 1 and 2,000,000", patients)
    data = sysdata.load()
    names = [s for s in (x.strip() for x in sequence.split(",")) if s]
    if not names:
        raise InputError.single("sequence", "give at least one therapy", sequence)
    therapies = [resolve_therapy(n, data, f"sequence[{i}]") for i, n in enumerate(names)]
    if population not in data.trials:
        raise InputError.single("population", f"must be one of {', '.join(data.trials)}",
                                population)
    with working(f"virtual trial: {patients:,} patients through {' -> '.join(names)}"):
        calibration = cal.cached(data)
        summary = summarise(run_sequence(therapies, data, calibration, patients, seed,
                                         population), calibration)
    if fmt == "png":
        from nenboard.systems.plots import km_figure

        _emit(km_figure(summary), output)
        return
    if fmt == "json":
        _emit(json.dumps(summary, indent=2), output)
        return
    rows = [[c["label"], c["n"], c["events"], c["median_months"], c["ci95_months"]]
            for c in [*summary["lines"], summary["time_to_last_progression"]]]
    footer = (f"population kinetics: {population}; calibration max error "
              f"{summary['calibration']['max_relative_error']:.1%}. {DISCLAIMER}")
    _emit(_table(f"Virtual trial {' -> '.join(summary['sequence'])} (n={patients}, "
                 f"seed={seed})", ["line", "n", "events", "median PFS (mo)", "95% CI"],
                 rows, footer, fmt), output)


@app.command("export-sbml")
def export_sbml(output: Out = None) -> None:
    """Export the pathway model as SBML (validated with libSBML)."""
    _check_out(output)
    from nenboard.systems.sbml import export_sbml as export
    from nenboard.systems.sbml import validate_sbml

    text = export()
    check = validate_sbml(text)
    if not check.ok:  # pragma: no cover - the shipped model validates (tested)
        raise RuntimeError("exported SBML does not validate: " + "; ".join(check.errors[:3]))
    _emit(text, output)
