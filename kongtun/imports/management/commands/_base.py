"""What both import commands share: choosing the fund, the mapping, the progress bar, and
printing the report or every bad row."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from tqdm import tqdm

from kongtun.funds.models import Fund
from kongtun.imports.mapping import FIELDS, find_header, guess_mapping
from kongtun.imports.readers import ReadError, ReadLimits, head_rows, open_table
from kongtun.imports.services import ImportMapping, ImportRejected, ImportReport


class ImportCommand(BaseCommand):
    kind = ""  # "members" or "contributions"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fund", help="the fund's id or short code (e.g. BANTHI)")
        parser.add_argument("file", type=Path, help="CSV, XLSX, XLS or ODS file")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--sheet", default="", help="sheet name (spreadsheets; default first)")
        parser.add_argument(
            "--header-row", type=int, help="row number of the header (default: guessed)"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="use COLUMN (letter, number from 1, or header text) for FIELD; repeatable. "
            f"Fields: {', '.join(f.name for f in FIELDS[self.kind])}",
        )
        parser.add_argument(
            "--max-rows",
            type=int,
            default=0,
            help="read up to this many rows (default KONGTUN_IMPORT_MAX_ROWS, 200,000): "
            "a bigger book the server can hold",
        )
        parser.add_argument("--user", help="username recorded as the importer")
        parser.add_argument(
            "--language", default="th", choices=["th", "en"], help="language of the report"
        )

    def run_import(self, **kwargs: object) -> ImportReport:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fund(self, ref: str) -> Fund:
        fund = Fund.objects.filter(short_code__iexact=ref).first()
        if fund is None and ref.isdigit():
            fund = Fund.objects.filter(pk=int(ref)).first()
        if fund is None:
            raise CommandError(f"No fund with id or short code {ref!r}.")
        return fund

    def _mapping(self, path: Path, options: dict) -> ImportMapping:
        if not options["map"]:
            return ImportMapping(header_row=options["header_row"], sheet=options["sheet"])
        fields = FIELDS[self.kind]
        head = head_rows(open_table(path, sheet=options["sheet"], limits=options["limits"]), 60)
        if options["header_row"]:
            index = next((i for i, (n, _c) in enumerate(head) if n == options["header_row"]), None)
        else:
            index = find_header(head, fields)
        if index is None:
            raise CommandError("No header row found; give its number with --header-row.")
        header_row, header = head[index][0], list(head[index][1])
        columns = guess_mapping(header, fields)
        names = {f.name for f in fields}
        texts = [str(h).strip() for h in header]
        for item in options["map"]:
            name, _eq, column = item.partition("=")
            name, column = name.strip(), column.strip()
            if name not in names:
                raise CommandError(f"Unknown field {name!r}; fields: {', '.join(sorted(names))}")
            if column in ("", "-"):
                columns.pop(name, None)
            elif column.isdigit():
                columns[name] = int(column) - 1
            elif column.isalpha() and column.isascii() and len(column) <= 2:
                index = 0
                for ch in column.upper():
                    index = index * 26 + ord(ch) - 64
                columns[name] = index - 1
            elif column in texts:
                columns[name] = texts.index(column)
            else:
                raise CommandError(f"No column {column!r} in the header row.")
        return ImportMapping(header_row=header_row, columns=columns, sheet=options["sheet"])

    def handle(self, *args: object, **options: object) -> None:
        translation.activate(options["language"])
        fund = self._fund(str(options["fund"]))
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"No file {path}.")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']!r}.")
        limits = options["limits"] = ReadLimits.from_settings(rows=options["max_rows"])
        try:
            mapping = self._mapping(path, options)
            total = open_table(path, sheet=options["sheet"], limits=limits).estimate_rows()
        except ReadError as exc:
            raise CommandError(str(exc)) from None
        bar = tqdm(total=total, unit=" rows", unit_scale=True, desc=path.name, file=self.stderr)
        done = [0]

        def progress(row: int) -> None:
            bar.update(row - done[0])
            done[0] = row

        try:
            report = self.run_import(
                fund=fund,
                path=path,
                actor=actor,
                filename=path.name,
                mapping=mapping,
                dry_run=options["dry_run"],
                progress=progress,
                limits=limits,
            )
        except ImportRejected as exc:
            bar.close()
            for p in exc.problems:
                where = f"row {p.row}" if p.row else "file"
                column = f", {p.column}" if p.column else ""
                value = f" {p.value!r}" if p.value else ""
                self.stderr.write(f"{where}{column}:{value} {p.reason}")
            raise CommandError(str(exc.messages[0])) from None
        bar.update(max(0, (total or 0) - done[0]))
        bar.close()
        self.print_report(report)

    def print_report(self, report: ImportReport) -> None:
        out = self.stdout
        columns = ", ".join(f"{k}={v}" for k, v in report.columns.items())
        out.write(f"{report.filename}: header on row {report.header_row}; columns {columns}")
        if report.file_already_imported:
            out.write("This file was already imported: nothing to do.")
            return
        skipped = ", ".join(f"{v} {k}" for k, v in report.skipped.items()) or "none"
        verb = "would import" if report.dry_run else "imported"
        out.write(
            f"{report.data_rows} data rows: {verb} {report.imported}, "
            f"already there {report.already_imported}; rows skipped: {skipped}"
        )
        if report.kind == "contributions":
            out.write(
                f"total {report.total_amount:,.2f} baht in {len(report.months)} month(s); "
                f"plans assigned to {report.plans_assigned} member(s)"
            )
            for m in report.months:
                seq = f" entry #{m.entry_seq}" if m.entry_seq else ""
                out.write(f"  {m.month:%m/%Y}: {m.rows} rows, {m.amount:,.2f} baht{seq}")
        if report.dry_run:
            out.write("Dry run: nothing was written.")
        else:
            out.write(self.style.SUCCESS("Done."))
