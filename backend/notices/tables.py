from piccolo.columns import ForeignKey, LazyTableReference, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class Notice(Table):
    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    region = ForeignKey(
        LazyTableReference("Region", module_path="backend.regions.tables"),
        help_text="The township or village the notice is posted for.",
    )
    title_hans = Varchar(length=200)
    title_hant = Varchar(length=200)
    body_hans = Text()
    body_hant = Text()
    published_at = Timestamptz(index=True)
    author = ForeignKey(LazyTableReference("User", module_path="backend.accounts.tables"), null=True)
