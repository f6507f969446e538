"""`nenboard kb update-trials FILE|DIR` and `nenboard kb diff A B` (registered on `kb`)."""

from __future__ import annotations

from pathlib import Path

import typer

from nenboard.errors import InputError


def register(kb_app: typer.Typer) -> None:
    kb_app.command("update-trials")(update_trials)
    kb_app.command("diff")(diff)


def update_trials(
    source: Path = typer.Argument(..., help="ClinicalTrials.gov API v2 study JSON: a file (one "
                                  "study or a search page) or a folder of *.json files",
                                  show_default=False),
    path: Path | None = typer.Option(None, "--path", help="knowledge-base directory to update "
                                     "(default: the bundled one)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="print the diff, write nothing"),
    skip_unmatched: bool = typer.Option(False, "--skip-unmatched", help="update the studies "
                                        "that match and list the others (default: refuse all)"),
) -> None:
    """Update trial statuses, dates and 'results posted' from the registry's own export."""
    from nenboard.interface import console, err_console
    from nenboard.knowledge.loader import DATA_DIR, load
    from nenboard.knowledge.update_trials import apply_updates, input_files, plan_updates

    root = path or DATA_DIR
    base = load(root)
    result = plan_updates(base, input_files(source), skip_unmatched=skip_unmatched)
    for problem in result.refused:
        err_console.print(f"refused: {problem}", markup=False)
    for note in result.skipped:
        err_console.print(f"skipped: {note}", markup=False)
    for update in result.updates:
        for line in update.lines():
            console.print(line, markup=False, soft_wrap=True)
    changed = result.changed
    if dry_run or not changed:
        console.print(f"{len(changed)} trial(s) would change; nothing written"
                      if dry_run else "no trial changes", markup=False)
        return
    written, after = apply_updates(result, root)
    console.print(f"updated {len(changed)} trial(s) in {len(written)} file(s); knowledge base "
                  f"{base.version} -> {after.version if after else base.version} (record the release in "
                  "docs/changelog-kb.md)", markup=False, soft_wrap=True)


def diff(
    a: str = typer.Argument(..., help="knowledge-base directory, kb export JSON file, or git "
                            "revision", show_default=False),
    b: str = typer.Argument(None, help="the same; default: the bundled knowledge base",
                            show_default=False),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json"),
) -> None:
    """Records added, changed (which fields) and removed between two knowledge-base versions."""
    from nenboard.interface import console, dumps, write_output
    from nenboard.knowledge.diff import diff_exports, read_version
    from nenboard.knowledge.loader import DATA_DIR

    if fmt not in ("table", "json"):
        raise InputError.single("--format", f"{fmt!r} is not supported; allowed: table, json")
    result = diff_exports(read_version(a), read_version(b or str(DATA_DIR)))
    if fmt == "json":
        write_output(dumps(result.to_json()), None)
        return
    for line in result.lines():
        console.print(line, markup=False, soft_wrap=True)
