"""Number formats of the Chinese pages: figures are grouped by thousands ("1,512,819.00"), as Chinese reports and
statements print them. Django's own zh_Hans formats set no grouping, so ``intcomma`` and the ``g`` suffix of
``floatformat`` left integers such as 2900 ungrouped while decimals were grouped. Other formats: Django's."""

NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
