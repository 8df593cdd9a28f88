from __future__ import annotations

from pathlib import Path

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kongtun.imports.mapping import Field, column_letter
from kongtun.imports.readers import SUFFIXES, cell_text
from kongtun.imports.uploads import MAX_UPLOAD_BYTES

KIND_CHOICES = [
    ("contributions", _("contributions book (who paid how much, when)")),
    ("members", _("member register")),
]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is in the file"), choices=KIND_CHOICES)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX, XLS or ODS, at most %(size)s.")
        % {"size": filesizeformat(MAX_UPLOAD_BYTES)},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(SUFFIXES))}),
    )

    def __init__(self, *args: object, kinds: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in KIND_CHOICES if c[0] in kinds]
        self.fields["kind"].widget = forms.RadioSelect(choices=self.fields["kind"].choices)
        self.fields["kind"].initial = kinds[0]

    def clean_file(self) -> object:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s; import it with the command line instead.")
                % {"size": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        if Path(f.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Upload a CSV, XLSX, XLS or ODS file."))
        return f


class MappingForm(forms.Form):
    """The header row, and one choice of column per field, preselected with the guess."""

    header_row = forms.IntegerField(label=_("Header row"), min_value=1)

    def __init__(
        self,
        *args: object,
        fields: tuple[Field, ...],
        header: list,
        sheets: list[str],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.import_fields = fields
        choices = [("", _("— not in the file —"))] + [
            (str(i), f"{column_letter(i)}: {cell_text(h)}" if cell_text(h) else column_letter(i))
            for i, h in enumerate(header)
        ]
        if len(sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Sheet"), choices=[(s, s) for s in sheets]
            )
        for f in fields:
            self.fields[f"col_{f.name}"] = forms.ChoiceField(
                label=f.label,
                choices=choices,
                required=f.required,
                help_text=f.help,
            )

    def field_rows(self) -> list:
        return [self[f"col_{f.name}"] for f in self.import_fields]

    def columns(self) -> dict[str, int]:
        return {
            f.name: int(self.cleaned_data[f"col_{f.name}"])
            for f in self.import_fields
            if self.cleaned_data.get(f"col_{f.name}") not in (None, "")
        }

    def clean(self) -> dict:
        data = super().clean()
        used: dict[str, str] = {}
        for f in self.import_fields:
            col = data.get(f"col_{f.name}")
            if col in (None, ""):
                continue
            if col in used:
                self.add_error(
                    f"col_{f.name}",
                    _("This column is already chosen for “%(field)s”.") % {"field": used[col]},
                )
            used[col] = str(f.label)
        return data
