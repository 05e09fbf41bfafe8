"""The one result type of the survey estimators: Estimates, a tidy table that knows its design.

:meth:`Design.mean`, :meth:`Design.total`, :meth:`Design.proportion` and
:meth:`Design.difference` all return an :class:`Estimates`: a
``pandas.DataFrame`` with one row per estimate (the ``by`` columns, then
``estimate, se, ci_low, ci_high`` and counts) that also keeps the linearised
scores of its estimates, so that it can give their covariance
(:attr:`Estimates.vcov`), intervals at another level
(:meth:`Estimates.conf_int`) and linear combinations with design-based
standard errors (:meth:`Estimates.contrast`, :meth:`Estimates.difference`),
as R's ``svyby(..., covmat=TRUE)`` followed by ``svycontrast``.

Any pandas operation on it (selecting rows, ``copy()``, ``merge``) gives a
plain DataFrame, so a filtered table never carries scores that no longer
match its rows. Every result table is laid out by :func:`assemble`.

Examples
--------
>>> import pandas as pd
>>> from ruralkit.survey import Design
>>> df = pd.DataFrame({"year": [2023] * 4 + [2024] * 4,
...                    "village": ["a", "a", "b", "b", "c", "c", "d", "d"],
...                    "high": [0, 1, 0, 0, 1, 1, 0, 1], "w": [1.0] * 8})
>>> d = Design(df, weights="w", strata="year", cluster="village")
>>> by_year = d.mean("high", by="year")
>>> by_year.contrast([-1, 1])[["contrast", "estimate", "se"]]
   contrast  estimate        se
0  contrast       0.5  0.353553
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from ..i18n import get_language
from ..labels import labelled
from .columns import BLOCK_CELLS, check_choice, check_level, sort_key
from .errors import SurveyError
from .variance import CodedDesign, logit_interval, p_values, t_quantile, total_variance

#: Most rows whose full covariance matrix :attr:`Estimates.vcov` builds.
MAX_VCOV_ROWS = 2000


@dataclass(frozen=True)
class Linearisation:
    """The linearised scores behind a table of estimates.

    Row ``r`` of the table is domain ``r // k`` and score column ``r % k``;
    ``u[i, c]`` is the score of respondent row ``i`` (in domain ``dom[i]``,
    PSU ``psu[i]``) for column ``c``. ``u`` is None when it would be too large
    to keep (very many rows times categories).
    """

    coded: CodedDesign
    u: np.ndarray | None
    psu: np.ndarray
    dom: np.ndarray
    n_dom: int
    k: int


def assemble(
    keys: pd.DataFrame | None,
    k: int,
    categories: Sequence[Hashable] | None,
    columns: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    """Lay out a result table: the key columns, ``category`` if any, then ``columns`` in order.

    ``keys`` has one row per domain (None: one domain, no key columns); each
    domain is repeated ``k`` times, once per category, and every array in
    ``columns`` has ``n_domains * k`` values in that order.
    """
    n_dom = 1 if keys is None else len(keys)
    if keys is None or keys.shape[1] == 0:
        out = pd.DataFrame(index=range(n_dom * k))
    else:
        out = keys.iloc[np.repeat(np.arange(n_dom), k)].reset_index(drop=True)
    if categories is not None:
        out["category"] = np.tile(np.array(list(categories), dtype=object), n_dom) if k else []
    for name, values in columns.items():
        out[name] = np.asarray(values).ravel()
    return out


class Estimates(pd.DataFrame):
    """Design-based estimates: a tidy table, one row per estimate, that knows its design.

    It is a ``pandas.DataFrame`` (index, select and plot it as one) with
    methods for what needs the design. Columns: the ``by`` columns,
    ``category`` (proportions), ``estimate, se, ci_low, ci_high`` and, by
    estimator, ``n, count, deff`` or ``p_value, estimate_a, estimate_b, se_a,
    se_b, n_a, n_b`` (see each estimator). Selecting rows or columns gives a
    plain DataFrame.

    Attributes
    ----------
    level : float
        The confidence level of ``ci_low, ci_high``.
    degf : int
        Design degrees of freedom of the t intervals and tests.
    by : list of str
        The key columns that tell the rows apart.
    """

    _metadata = ["_lin", "_info"]

    @property
    def _constructor(self):
        return pd.DataFrame  # derived tables are plain: their rows no longer match the scores

    @classmethod
    def _make(
        cls, table: pd.DataFrame, lin: Linearisation, *, by: list[str], level: float,
        interval: np.ndarray, kind: str, var: np.ndarray | None = None,
    ) -> Estimates:
        self = cls(table)
        object.__setattr__(self, "_lin", lin)
        # var: the variances the se came from (se**2 would differ in the last bit)
        object.__setattr__(self, "_info", {
            "by": list(by), "level": level, "interval": interval, "kind": kind,
            "var": np.square(table["se"].to_numpy(dtype=np.float64)) if var is None
            else np.asarray(var, dtype=np.float64).ravel(),
        })
        return self

    # -- how it shows itself --------------------------------------------------------

    def __repr__(self) -> str:
        if get_language() == "zh":  # 估计值, 标准误 ... and place names (ruralkit.labelled)
            return repr(labelled(self))
        return super().__repr__()

    def _repr_html_(self) -> str | None:
        if get_language() == "zh":
            return labelled(self)._repr_html_()
        return super()._repr_html_()

    # -- what the table is -------------------------------------------------------

    @property
    def level(self) -> float:
        """The confidence level of the ``ci_low, ci_high`` columns."""
        return self._info["level"]

    @property
    def degf(self) -> int:
        """Design degrees of freedom of the intervals and tests."""
        return self._lin.coded.degf

    @property
    def by(self) -> list[str]:
        """The key columns (``by`` of the estimator; ``category`` comes on top)."""
        return list(self._info["by"])

    def summary_frame(self, *, level: float | None = None) -> pd.DataFrame:
        """The tidy table as a plain DataFrame; with ``level``, intervals at that level.

        Examples
        --------
        >>> import pandas as pd
        >>> from ruralkit.survey import Design
        >>> df = pd.DataFrame({"v": [1, 1, 2, 2, 3, 3], "w": [1.0] * 6,
        ...                    "y": [1.0, 2, 3, 4, 5, 6]})
        >>> m = Design(df, weights="w", cluster="v").mean("y")
        >>> m.summary_frame(level=0.5)[["estimate", "ci_low", "ci_high"]].round(3)
           estimate  ci_low  ci_high
        0       3.5   2.557    4.443
        """
        out = pd.DataFrame(self).copy()
        if level is not None:
            ci = self.conf_int(level=level)
            out["ci_low"] = ci["ci_low"].to_numpy()
            out["ci_high"] = ci["ci_high"].to_numpy()
        return out

    def conf_int(self, *, level: float | None = None) -> pd.DataFrame:
        """Confidence intervals: ``estimate +/- t(degf) * se``, or logit intervals for shares.

        Parameters
        ----------
        level : float, optional
            The confidence level; default: the level the table was made with.

        Returns
        -------
        pandas.DataFrame
            Columns ``ci_low, ci_high``, same index as the table.
        """
        level = self.level if level is None else check_level(level)
        t = t_quantile(level, self.degf)
        est = self["estimate"].to_numpy(dtype=np.float64)
        se = self["se"].to_numpy(dtype=np.float64)
        lo, hi = est - t * se, est + t * se
        logit = self._info["interval"]
        if logit.any():
            llo, lhi = logit_interval(est, se, t)
            lo, hi = np.where(logit, llo, lo), np.where(logit, lhi, hi)
        return pd.DataFrame({"ci_low": lo, "ci_high": hi}, index=self.index)

    @property
    def vcov(self) -> pd.DataFrame:
        """Design-based covariance matrix of the estimates (R's ``vcov`` of ``svyby(covmat=TRUE)``).

        Rows and columns follow the rows of the table; its diagonal is ``se**2``.
        Built for at most 2,000 estimates (a matrix of their squares).
        """
        lin = self._scores()
        n_rows = lin.n_dom * lin.k
        if n_rows > MAX_VCOV_ROWS:
            raise SurveyError.of("survey.vcov_too_large", rows=n_rows, limit=MAX_VCOV_ROWS)
        coded = lin.coded
        n_psu = len(coded.psu_stratum)
        z = np.zeros((n_psu, n_rows))
        cols = lin.dom[:, None] * lin.k + np.arange(lin.k)[None, :]
        np.add.at(z, (np.repeat(lin.psu, lin.k), cols.ravel()), lin.u.ravel())
        a = coded.a_h[coded.psu_stratum]
        s = np.zeros((len(coded.a_h), n_rows))
        np.add.at(s, coded.psu_stratum, z)
        cov = z.T @ (a[:, None] * z) - s.T @ (coded.b_h[:, None] * s)
        cov[~np.isfinite(self["se"].to_numpy(dtype=np.float64))] = np.nan
        return pd.DataFrame(cov, index=self.index, columns=self.index)

    # -- linear combinations ---------------------------------------------------------

    def contrast(
        self,
        weights: Sequence[float] | np.ndarray | Mapping[str, Sequence[float]],
        *,
        level: float | None = None,
    ) -> Estimates:
        """Linear combinations of the estimates with design-based standard errors (svycontrast).

        Parameters
        ----------
        weights : sequence of numbers, or dict of name -> sequence
            One coefficient per row of the table (e.g. ``[-1, 1]`` for "the
            second row minus the first"), or several such contrasts by name.
        level : float, optional
            Confidence level; default: the table's.

        Returns
        -------
        Estimates
            ``contrast, estimate, se, ci_low, ci_high, p_value``: one row per contrast.

        Examples
        --------
        >>> import pandas as pd
        >>> from ruralkit.survey import Design
        >>> df = pd.DataFrame({"v": [1, 1, 2, 2, 3, 3, 4, 4], "w": [1.0] * 8,
        ...                    "g": list("abcdabcd"), "y": [1.0, 2, 3, 4, 2, 3, 5, 6]})
        >>> by_g = Design(df, weights="w", cluster="v").mean("y", by="g")
        >>> by_g.contrast({"b - a": [-1, 1, 0, 0], "mean of c, d": [0, 0, 0.5, 0.5]})[
        ...     ["contrast", "estimate"]]
               contrast  estimate
        0         b - a       1.0
        1  mean of c, d       4.5
        """
        names, matrix = self._contrast_matrix(weights)
        j, r = np.nonzero(matrix)
        keys = pd.DataFrame({"contrast": names})
        return self._combine(r, j, matrix[j, r], keys, by=["contrast"], level=level)

    def difference(
        self,
        between: str,
        groups: tuple[Hashable, Hashable],
        *,
        method: Literal["design", "independent"] = "design",
        level: float | None = None,
    ) -> Estimates:
        """Difference ``b - a`` between two values of one ``by`` column, within every other domain.

        ``design.mean("y", by=["township_id", "year"]).difference("year", (2022, 2023))``
        is, per township, "2023 minus 2022": R's
        ``svycontrast(svyby(~y, ~township_id + year, design, svymean, covmat=TRUE), ...)``.
        Its standard error uses the full covariance of the two estimates,
        right whether the groups share PSUs or not. ``method="independent"``
        ignores the covariance: ``sqrt(se_a**2 + se_b**2)``.

        Returns
        -------
        Estimates
            The other ``by`` columns (and ``category``), then ``estimate``
            (b - a), ``se, ci_low, ci_high, p_value, estimate_a, estimate_b,
            se_a, se_b, n_a, n_b``; ``attrs["groups"]`` is ``(a, b)``.

        Examples
        --------
        >>> import pandas as pd
        >>> from ruralkit.survey import Design
        >>> df = pd.DataFrame({"year": [2023] * 4 + [2024] * 4,
        ...                    "village": ["a", "a", "b", "b", "c", "c", "d", "d"],
        ...                    "high": [0, 1, 0, 0, 1, 1, 0, 1], "w": [1.0] * 8})
        >>> by_year = Design(df, weights="w", strata="year", cluster="village").mean(
        ...     "high", by="year")
        >>> by_year.difference("year", (2023, 2024))[["estimate", "se", "n_a", "n_b"]]
           estimate        se  n_a  n_b
        0       0.5  0.353553    4    4
        """
        check_choice(method, "method", ("design", "independent"))
        pair, keys = self._pairs(between, groups)
        n_pairs = len(pair)
        ra, rb = pair[:, 0], pair[:, 1]
        rows = np.concatenate([ra, rb])
        ids = np.concatenate([np.arange(n_pairs), np.arange(n_pairs)])
        coef = np.concatenate([-np.ones(n_pairs), np.ones(n_pairs)])
        ok = rows >= 0
        est = self._combine(rows[ok], ids[ok], coef[ok], keys, by=list(keys.columns),
                            level=level, cells=n_pairs)
        side = {}
        for name, r in (("a", ra), ("b", rb)):
            for col in ("estimate", "se", "n"):
                values = self[col].to_numpy()
                fill = 0 if col == "n" else np.nan
                side[f"{col}_{name}"] = np.where(r >= 0, values[np.maximum(r, 0)], fill)
        var_all = self._info["var"]
        var_a = np.where(ra >= 0, var_all[np.maximum(ra, 0)], np.nan)
        var_b = np.where(rb >= 0, var_all[np.maximum(rb, 0)], np.nan)
        se = np.where((ra >= 0) & (rb >= 0), est["se"].to_numpy(), np.nan)
        if method == "independent":
            se = np.sqrt(var_a + var_b)
        diff = side["estimate_b"] - side["estimate_a"]
        lin = est._lin
        level = self.level if level is None else level
        t = t_quantile(level, self.degf)
        with np.errstate(invalid="ignore", divide="ignore"):
            tstat = diff / se
        table = assemble(keys, 1, None, {
            "estimate": diff, "se": se, "ci_low": diff - t * se, "ci_high": diff + t * se,
            "p_value": p_values(tstat, self.degf),
            "estimate_a": side["estimate_a"], "estimate_b": side["estimate_b"],
            "se_a": side["se_a"], "se_b": side["se_b"],
            "n_a": side["n_a"].astype(np.int64), "n_b": side["n_b"].astype(np.int64),
        })
        out = Estimates._make(table, lin, by=list(keys.columns), level=level,
                              interval=np.zeros(n_pairs, dtype=bool), kind="difference")
        out.attrs.update({k: v for k, v in self.attrs.items() if k != "groups"})
        out.attrs["groups"] = tuple(groups)
        return out

    # -- machinery -----------------------------------------------------------------

    def _scores(self) -> Linearisation:
        lin = self._lin
        if lin.u is None:
            raise SurveyError.of("survey.scores_not_kept", rows=len(self))
        return lin

    def _contrast_matrix(self, weights: object) -> tuple[list[str], np.ndarray]:
        if isinstance(weights, Mapping):
            names = [str(n) for n in weights]
            rows = [np.asarray(v, dtype=np.float64) for v in weights.values()]
        else:
            names = ["contrast"]
            rows = [np.asarray(weights, dtype=np.float64)]
        if not rows or any(r.shape != (len(self),) for r in rows):
            raise SurveyError.of("survey.contrast_length", rows=len(self))
        return names, np.vstack(rows)

    def _pairs(self, between: str, groups: object) -> tuple[np.ndarray, pd.DataFrame]:
        """Row positions (a, b) of each pair to compare, -1 where one is missing, and their keys."""
        by = self.by
        if between not in by:
            raise SurveyError.of("survey.between_not_by", between=between,
                                 by=", ".join(repr(c) for c in by) or "-")
        if not isinstance(groups, tuple | list) or len(groups) != 2:
            raise SurveyError.of("survey.groups_pair", between=between)
        column = self[between]
        present = set(pd.unique(column.dropna()).tolist())
        for value in groups:
            if value not in present:
                raise SurveyError.of("survey.group_not_present", value=value, between=between,
                                     present=sorted(present, key=sort_key)[:20])
        others = [c for c in by if c != between] + (["category"] if "category" in self else [])
        position = pd.Series(np.arange(len(self)))
        sides = []
        for value in groups:
            mask = column.eq(value).fillna(False).to_numpy(dtype=bool)
            part = pd.DataFrame(self)[mask][others].reset_index(drop=True)
            sides.append(part.assign(_row=position[mask].to_numpy()))
        if not others:
            keys = pd.DataFrame(index=[0])
            pair = np.array([[sides[0]["_row"].iloc[0], sides[1]["_row"].iloc[0]]])
            return pair, keys
        both = sides[0].merge(sides[1], on=others, how="outer", sort=False,
                              suffixes=("_a", "_b"))
        pair = both[["_row_a", "_row_b"]].fillna(-1).to_numpy(dtype=np.int64)
        return pair, both[others].reset_index(drop=True)

    def _combine(
        self, rows: np.ndarray, ids: np.ndarray, coef: np.ndarray, keys: pd.DataFrame, *,
        by: list[str], level: float | None, cells: int | None = None,
    ) -> Estimates:
        """Contrasts ``sum_r coef * estimate[r]`` (entries ``rows, ids, coef``) with their variance.

        Respondent ``i`` in domain ``d`` adds ``coef * u[i, c]`` to contrast ``id``
        for every entry on a row ``(d, c)``; the contrast's variance is then the
        variance of a total of those scores, by the same PSU machinery as any
        estimate (so a difference of two domains sharing PSUs is right).
        """
        lin = self._scores()
        n_out = len(keys) if cells is None else cells
        est_all = self["estimate"].to_numpy(dtype=np.float64)
        estimate = np.bincount(ids, weights=coef * est_all[rows], minlength=n_out)
        d_of, c_of = rows // lin.k, rows % lin.k
        order = np.argsort(d_of, kind="stable")
        count = np.bincount(d_of, minlength=lin.n_dom)
        start = np.cumsum(count) - count
        rep = count[lin.dom]
        resp = np.repeat(np.arange(len(lin.dom)), rep)
        offset = np.arange(len(resp)) - np.repeat(np.cumsum(rep) - rep, rep)
        entry = order[start[lin.dom[resp]] + offset]
        scores = coef[entry] * lin.u[resp, c_of[entry]]
        new = Linearisation(coded=lin.coded, u=scores[:, None], psu=lin.psu[resp],
                            dom=ids[entry], n_dom=n_out, k=1)
        var = total_variance(lin.coded, new.u, new.psu, new.dom, n_out)[:, 0]
        missing = np.bincount(ids, weights=~np.isfinite(est_all[rows]), minlength=n_out) > 0
        var[missing] = np.nan
        se = np.sqrt(var)
        level = self.level if level is None else check_level(level)
        t = t_quantile(level, self.degf)
        with np.errstate(invalid="ignore", divide="ignore"):
            tstat = estimate / se
        table = assemble(keys, 1, None, {
            "estimate": estimate, "se": se, "ci_low": estimate - t * se,
            "ci_high": estimate + t * se, "p_value": p_values(tstat, self.degf),
        })
        return Estimates._make(table, new, by=by, level=level,
                               interval=np.zeros(n_out, dtype=bool), kind="contrast")


def with_scores(lin: Linearisation, keep: bool) -> Linearisation:
    """``lin``, or the same without its scores when they are too large to keep."""
    if keep and lin.u is not None and lin.u.size <= BLOCK_CELLS:
        return lin
    return replace(lin, u=None)
