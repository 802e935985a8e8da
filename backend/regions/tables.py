from piccolo.columns import ForeignKey, Serial, Varchar
from piccolo.table import Table


class Region(Table):
    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    #: Stable hierarchical code: county 6 digits, township +3, village +3, grid +3.
    code = Varchar(length=15, unique=True, index=True)
    #: county | township | village | grid
    level = Varchar(length=10)
    parent = ForeignKey("self", null=True, help_text="The region one level up; null for a county.")
    name_hans = Varchar(length=100)
    name_hant = Varchar(length=100)
