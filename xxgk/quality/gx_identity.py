"""A Great Expectations expectation GX does not have: a linear identity across columns.

``expect_multicolumn_linear_identity``: for each row, ``Σ coefficients[i] · column_list[i]``
compared (``eq``/``ge``/``le``) with ``constant``. With coefficients +1 on one side and −1 on
the other it states "these cells sum to those" (R01–R08, R13–R15, R17–R19), and over the
narrative-fact frame "the table cells sum to the stated number" (R20). Rows with a missing
operand are skipped (``ignore_row_if="any_value_is_missing"``): an illegible cell makes an
instance not assessable, not failed. Values carry at most 6 decimals (the warehouse's
DECIMAL(24,6)), so the comparison allows half a millionth of float error.

Importing this module registers the expectation and its metric with GX (GX 1.24, pandas).
"""

from __future__ import annotations

from typing import ClassVar, Literal

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import MulticolumnMapMetricProvider
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)

TOLERANCE = 5e-7


class MulticolumnLinearIdentity(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.linear_identity"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser",
                             "ignore_row_if")
    condition_value_keys = ("coefficients", "comparison", "constant")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, coefficients, comparison, constant, **kwargs) -> pd.Series:
        total = (column_list.astype("float64") * list(coefficients)).sum(axis=1, skipna=False)
        if comparison == "ge":
            return total >= constant - TOLERANCE
        if comparison == "le":
            return total <= constant + TOLERANCE
        return (total - constant).abs() <= TOLERANCE


class ExpectMulticolumnLinearIdentity(MulticolumnMapExpectation):
    """Σ coefficients[i] · column_list[i]  (eq | ge | le)  constant, row by row."""

    coefficients: list[float]
    comparison: Literal["eq", "ge", "le"] = "eq"
    constant: float = 0.0
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "any_value_is_missing"

    map_metric: ClassVar[str] = "multicolumn_values.linear_identity"
    success_keys: ClassVar[tuple[str, ...]] = ("column_list", "coefficients", "comparison", "constant", "mostly",
                                                "ignore_row_if")
    args_keys: ClassVar[tuple[str, ...]] = ("column_list", "coefficients", "comparison", "constant")
