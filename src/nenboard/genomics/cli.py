"""`nenboard molecular`: one case, or a whole cohort (MAF/CNA/SV/status + clinical)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from nenboard.errors import InputError


class MolFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


def register(app: typer.Typer) -> None:
    app.command("molecular")(molecular)


def molecular(
    case: Path | None = typer.Argument(None, help="case file (YAML/JSON); omit for cohort mode",
                                       show_default=False),
    fmt: MolFormat = typer.Option(MolFormat.table, "--format", "-f",
                                  help="table, json, csv or tsv"),
    detail: bool = typer.Option(False, "--detail", help="table: every alteration with its "
                                "evidence and source (default: the tiered ones first)"),
    maf: Path | None = typer.Option(None, "--maf", help="cohort: MAF file (cBioPortal/GENIE)"),
    clinical: Path | None = typer.Option(None, "--clinical",
                                         help="cohort: sample table (SAMPLE_ID, ONCOTREE_CODE "
                                              "or entity/site, optional TMB)"),
    cna: Path | None = typer.Option(None, "--cna", help="cohort: GISTIC gene x sample table"),
    sv: Path | None = typer.Option(None, "--sv", help="cohort: SV / fusion table"),
    status: Path | None = typer.Option(None, "--status-table",
                                       help="cohort: gene-status table (sample x gene codes)"),
    na_wildtype: bool = typer.Option(False, "--na-wildtype", help="status table: read NA as "
                                     "profiled and unaltered (for rows known to be sequenced)"),
    where: list[str] = typer.Option([], "--where", help="cohort: keep clinical rows with "
                                    "COLUMN=VALUE (repeatable; all must hold)"),
    vcf: list[Path] = typer.Option([], "--vcf", help="annotated VCF (VEP/snpEff); with CASE its "
                                   "variants are added to the case; repeatable in cohort mode"),
    unit: str = typer.Option("sample", "--unit", help="frequency unit: sample or patient"),
    all_genes: bool = typer.Option(False, "--all-genes",
                                   help="table: also show genes without a published range"),
    out: Path | None = typer.Option(None, "-o", "--output", help="write to this file"),
) -> None:
    """Tier a case's alterations (ESCAT, NET vs NEC context), or profile a cohort."""
    from nenboard.interface import check_output

    check_output(out)
    if case is not None:
        if maf or clinical or cna or sv or status:
            raise InputError.single("CASE", "give a case file or cohort files (--maf/--clinical), "
                                    "not both")
        _case(case, fmt, vcf, out, detail)
        return
    if clinical is None:
        raise InputError.single("--clinical", "cohort mode needs --clinical (or give a CASE file)")
    if not (maf or cna or sv or status or vcf):
        raise InputError.single("--maf", "cohort mode needs at least one of --maf, --cna, --sv, "
                                "--status-table, --vcf")
    if unit not in ("sample", "patient"):
        raise InputError.single("--unit", f"{unit!r}: allowed sample, patient")
    _cohort(fmt, maf, clinical, cna, sv, status, vcf, unit, all_genes, out,
            na_wildtype=na_wildtype, where=where)


def _emit(text: str, out: Path | None) -> None:
    from nenboard.interface import write_output

    write_output(text, out)


def _case(path: Path, fmt: MolFormat, vcfs: list[Path], out: Path | None,
          detail: bool = False) -> None:
    from nenboard.genomics.model import MolecularProfile
    from nenboard.genomics.readers import read_vcf
    from nenboard.genomics.tiering import Annotator, annotate_case
    from nenboard.interface import Format, dumps, emit, kb, load_case

    base = kb()
    case = load_case(path)
    profile: MolecularProfile = annotate_case(case, base)
    if vcfs:
        ann = Annotator(base)
        for v in vcfs:
            for obs in read_vcf(v).by_sample.values():
                profile.alterations += ann.annotate_all(obs, profile.context)
    if fmt is MolFormat.json:
        from nenboard.interface import stamped

        _emit(dumps(stamped(profile.to_dict())), out)
    elif fmt is MolFormat.csv:
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["gene", "alteration", "tier", "status", "directions", "drugs", "assertions",
                    "source"])
        for a in profile.alterations:
            d = a.to_dict()
            w.writerow([d["gene"], d["alteration"], d["tier"] or "", d["status"],
                        ";".join(d["directions"]), ";".join(d["drugs"]), ";".join(d["assertions"]),
                        d["source"]])
        _emit(buf.getvalue(), out)
    elif fmt is MolFormat.tsv:
        from nenboard.genomics.render import profile_tsv

        emit(profile_tsv(profile), Format.tsv, out)
    else:
        from nenboard.genomics.render import profile_doc

        doc = profile_doc(profile, title=str(path), detail=detail)
        doc.heading(profile.disclaimer, style="dim")
        emit(doc, Format.table, out)


def _where_samples(path: Path, where: list[str]) -> set[str]:
    """Sample ids of the clinical rows where every COLUMN=VALUE holds."""
    from nenboard.genomics.readers.table import read_table

    table, rows = read_table(path, what="clinical table")
    sid = table.need("sample id", "SAMPLE_ID", "Sample ID", "Tumor_Sample_Barcode", "sample",
                     "sample_id")
    tests = []
    for clause in where:
        column, sep, value = clause.partition("=")
        if not sep or not column:
            raise InputError.single("--where", f"{clause!r}: expected COLUMN=VALUE")
        index = table.find(column.strip())
        if index is None:
            raise InputError.single("--where", f"no column {column!r} in {path}; columns: "
                                    f"{', '.join(table.header[:12])}")
        tests.append((index, value.strip()))
    return {f[sid].strip() for _, f in rows if all(f[i].strip() == v for i, v in tests)}


def _cohort(fmt: MolFormat, maf: Path | None, clinical: Path, cna: Path | None, sv: Path | None,
            status: Path | None, vcfs: list[Path], unit: str, all_genes: bool,
            out: Path | None, *, na_wildtype: bool = False, where: list[str] | None = None
            ) -> None:
    from nenboard.genomics.cohort import annotate_cohort
    from nenboard.genomics.readers import (
        read_clinical,
        read_cna_table,
        read_maf,
        read_status_table,
        read_sv,
        read_vcf,
    )
    from nenboard.genomics.render import cohort_csv, cohort_frequency_table, cohort_samples_table
    from nenboard.interface import Format, dumps, emit, err_console, kb

    base = kb()
    info = read_clinical(clinical, base)
    if where:
        keep = _where_samples(clinical, where)
        info = {s: i for s, i in info.items() if s in keep}
    by_sample: dict[str, list] = {}

    def add(result_by_sample: dict[str, list]) -> None:
        for s, obs in result_by_sample.items():
            by_sample.setdefault(s, []).extend(obs)

    if maf:
        add(read_maf(maf).by_sample)
    if cna:
        add(read_cna_table(cna).by_sample)
    if sv:
        add(read_sv(sv).by_sample)
    if status:
        add(read_status_table(status, na_is_wildtype=na_wildtype).by_sample)
    for v in vcfs:
        add(read_vcf(v).by_sample)
    unknown = sorted(set(by_sample) - set(info))
    if unknown:
        err_console.print(f"note: {len(unknown)} sample(s) with alterations are not in the "
                          f"clinical table and are left out (first: {unknown[0]})")
    with Progress(TextColumn("annotating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("samples", total=len(info))
        cohort = annotate_cohort(by_sample, info, base, samples=list(info), unit=unit,
                                 progress=lambda n: bar.update(task, completed=n))
    if fmt is MolFormat.json:
        _emit(dumps(cohort.to_dict()), out)
    elif fmt is MolFormat.csv:
        _emit(cohort_csv(cohort), out)
    else:
        doc = cohort_samples_table(cohort)
        doc.blocks += cohort_frequency_table(cohort, only_referenced=not all_genes).blocks
        emit(doc, Format.tsv if fmt is MolFormat.tsv else Format.table)
        if out is not None:
            _emit(cohort_csv(cohort), out)
