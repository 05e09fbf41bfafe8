"""Design coding (R's ``svydesign``): validate the design columns and encode them as arrays.

:class:`Design` checks the weights, strata, clusters and fpc of a table,
codes them once into a :class:`~ruralkit.survey.variance.CodedDesign`, and
hands its estimates to :mod:`~ruralkit.survey.estimators` and
:mod:`~ruralkit.survey.glm`. :func:`survey_design` is the design of the
bundled trust survey, declared once.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"village": [1, 1, 2, 2, 3, 3], "w": [5.0] * 6,
...                    "y": [1, 0, 1, 1, 0, 0]})
>>> Design(df, weights="w", cluster="village")
<Design: 6 rows, 3 PSUs (cluster=['village']), 1 strata, weights='w'; degf=2>
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..i18n import Msg, get_language
from ..synth.trust import SURVEY_DESIGN
from . import display, estimators, glm
from .coding import (
    check_labels_present,
    check_lonely,
    check_nested,
    check_table,
    code_psus,
    code_strata,
    population_sizes,
    same_values,
    weights_of_rows,
)
from .columns import (
    ColumnSpec,
    as_list,
    check_choice,
    check_columns,
    check_name,
    group_codes,
    sort_key,
)
from .errors import DataChangedError, SurveyError
from .results import Estimates
from .variance import (
    LONELY_RULES,
    CodedDesign,
    LonelyPSU,
    degrees_of_freedom,
    stratum_coefficients,
)

__all__ = ["Design", "survey_design"]


class Design:
    """A one-stage complex survey design, as R's ``svydesign()``.

    The PSUs (``cluster``) are treated as sampled with replacement within
    strata (or without replacement when ``fpc`` is given), and everything below
    the PSU is summarised by the PSU totals of the linearised scores (the
    "ultimate cluster" variance estimator).  A two-stage sample such as R's
    ``apiclus2`` declared without an fpc gives the same answers as R's
    ``svydesign(id=~psu+ssu, weights=...)``; second-stage fpc terms are not
    supported.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent. It is kept by reference and never modified.
    weights : str, optional
        Column of sampling weights (inverse inclusion probabilities).  When it
        is missing and ``fpc`` is given, the weights are implied as
        ``N_h / n_h`` (population over sample PSUs per stratum), as in R.  When
        both are missing every row gets weight 1 and a warning is issued.
    strata : str or list of str, optional
        Stratum column(s); several columns define strata by their combination.
    cluster : str or list of str, optional
        PSU column(s) (e.g. the village).  Several columns identify a PSU by
        their combination (this does not declare a multi-stage design).
        Without it every row is its own PSU.
    fpc : str, optional
        Finite population correction, constant within each stratum: either the
        number of PSUs in the stratum's population ``N_h`` (values > 1) or the
        sampling fraction ``n_h / N_h`` (all values <= 1), exactly as R.
    nest : bool, default False
        PSU labels are only unique within strata (village 1 of township A is
        not village 1 of township B).  As R's ``nest=TRUE``.  Without it, a PSU
        label found in two strata is an error.
    lonely_psu : {"fail", "adjust", "remove", "certainty"}, default "fail"
        What to do with a stratum that has a single PSU (R's
        ``options(survey.lonely.psu=)``, whose default is also ``"fail"``):

        * ``"fail"`` raises :class:`LonelyPSUError` naming the strata, as
          soon as the Design is built;
        * ``"adjust"`` squares that PSU's score total without centring it on
          a stratum mean (R's ``"adjust"``; for means and proportions the
          scores are centred at the overall estimate, so the PSU is compared
          with the grand mean: a conservative choice);
        * ``"remove"`` and ``"certainty"`` let the stratum contribute nothing
          to the variance (in R 4.1 both give the same variance).

    Attributes
    ----------
    data : pandas.DataFrame
    degf : int
        Design degrees of freedom, #PSUs - #strata (R's ``degf()``).
    n_psu, n_strata : int
    weights : numpy.ndarray
    coded : CodedDesign
        The design as arrays (weights, PSU and stratum codes, variance
        coefficients): what :mod:`~ruralkit.survey.variance` needs.

    Notes
    -----
    The table is kept by reference: a column added to it later is seen by
    the design (no need to declare it again), and :meth:`update` adds one
    without touching the table. Sorting, dropping rows or editing the design
    columns in place is refused with :class:`DataChangedError` at the next
    estimate, so rows are never paired with the wrong weights.

    Variance of an estimated total of the score ``u`` (``u_i = w_i y_i`` for a
    total, ``u_i = w_i (y_i - ybar) / sum(w)`` for a mean) is::

        V = sum_h (1 - f_h) n_h / (n_h - 1) sum_{i in h} (z_hi - zbar_h)^2

    with ``z_hi`` the PSU totals of ``u`` and ``f_h = n_h / N_h`` (0 without
    fpc).  Strata whose sampling fraction is 1 contribute nothing.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"village": [1, 1, 2, 2, 3, 3], "w": [5.0] * 6,
    ...                    "y": [1, 0, 1, 1, 0, 0]})
    >>> d = Design(df, weights="w", cluster="village")
    >>> d.degf
    2
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        weights: str | None = None,
        strata: ColumnSpec | None = None,
        cluster: ColumnSpec | None = None,
        fpc: str | None = None,
        nest: bool = False,
        lonely_psu: LonelyPSU = "fail",
    ) -> None:
        check_table(data)
        check_choice(lonely_psu, "lonely_psu", LONELY_RULES)
        self.data = data
        self.weights_col = weights
        self.strata_cols = as_list(strata)
        self.cluster_cols = as_list(cluster)
        self.fpc_col = fpc
        self.nest = bool(nest)
        self.lonely_psu: LonelyPSU = lonely_psu
        for role_name, cols in (("weights", as_list(weights)), ("strata", self.strata_cols),
                                ("cluster", self.cluster_cols), ("fpc", as_list(fpc))):
            check_columns(data, cols, role_name)
            if role_name in ("strata", "cluster"):
                check_labels_present(data, cols, role_name)
        stratum, self._strata_keys = code_strata(data, self.strata_cols)
        psu = code_psus(data, self.cluster_cols, stratum, self.nest and bool(self.strata_cols))
        psu_stratum = np.full(int(psu.max()) + 1, -1, dtype=np.int64)
        psu_stratum[psu] = stratum
        if self.cluster_cols and self.strata_cols and not self.nest:
            check_nested(data, self.cluster_cols, psu_stratum[psu] != stratum)
        n_h = np.bincount(psu_stratum, minlength=len(self._strata_keys)).astype(np.int64)
        popsize = population_sizes(data, fpc, stratum, n_h, self._stratum_label)
        w = weights_of_rows(data, weights, popsize, n_h, stratum)
        if lonely_psu == "fail":
            check_lonely(n_h, self._stratum_label)
        f_h = np.ones(len(n_h)) if popsize is None else 1.0 - n_h / popsize
        a_h, b_h = stratum_coefficients(n_h, f_h, lonely_psu)
        inset = w != 0
        self.coded = CodedDesign(
            weights=w, psu=psu, stratum=stratum, psu_stratum=psu_stratum, a_h=a_h, b_h=b_h,
            degf=degrees_of_freedom(psu[inset], stratum[inset]),
        )
        self.degf = self.coded.degf
        self.n_psu = len(psu_stratum)
        self.n_strata = len(self._strata_keys)
        # What the design was built from: every estimate checks it is unchanged,
        # so sorting, dropping rows or editing weights in place cannot silently
        # pair rows with the wrong weights, strata or clusters. New columns are fine.
        self._index = data.index
        self._design_cols = {
            col: data[col].to_numpy(copy=True)
            for col in dict.fromkeys(as_list(weights) + as_list(fpc) + self.strata_cols
                                     + self.cluster_cols)
        }

    # -- the table it guards ------------------------------------------------------

    def _check_unchanged(self) -> None:
        """Raise DataChangedError if the rows or design columns of ``data`` changed."""
        data = self.data
        if len(data) != len(self._index) or not data.index.equals(self._index):
            raise DataChangedError.of("survey.data_changed",
                                      what=Msg("survey.changed_rows"))
        for col, saved in self._design_cols.items():
            if col not in data.columns:
                raise DataChangedError.of("survey.data_changed",
                                          what=Msg("survey.changed_removed", col=col))
            if not same_values(data[col].to_numpy(), saved):
                raise DataChangedError.of("survey.data_changed",
                                          what=Msg("survey.changed_values", col=col))

    def update(self, **columns: Any) -> Design:
        """The same design with new or recomputed variables, like R's ``update(design, ...)``.

        The table is not changed: the new design holds a copy of it with the
        columns added (``data.assign(**columns)``), and keeps the design's
        coding, so nothing is declared twice. Design columns (weights,
        strata, clusters, fpc) cannot be changed this way: declare a new
        :class:`Design` for that.

        Parameters
        ----------
        **columns
            ``name=values``: a Series with the table's index (e.g.
            ``survey["sat_township"] >= 4``), an array with one value per
            row, a scalar, or a function of the table (as ``DataFrame.assign``).

        Returns
        -------
        Design

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"v": [1, 1, 2, 2], "w": [1.0] * 4, "score": [2, 5, 4, 1]})
        >>> d = Design(df, weights="w", cluster="v")
        >>> d.update(high=df["score"] >= 4).mean("high")["estimate"].item()
        0.5
        >>> "high" in df.columns  # the original table is left alone
        False
        """
        self._check_unchanged()
        design_cols = set(self._design_cols)
        for name, values in columns.items():
            if name in design_cols:
                raise SurveyError.of("survey.update_design_column", name=name)
            if isinstance(values, pd.Series) and not values.index.equals(self.data.index):
                raise SurveyError.of("survey.update_index", name=name)
        new = object.__new__(Design)
        new.__dict__.update(self.__dict__)
        new.data = self.data.assign(**columns)
        return new

    # -- descriptive -----------------------------------------------------------

    @property
    def weights(self) -> np.ndarray:
        """The sampling weight of each row (a copy)."""
        return self.coded.weights.copy()

    def __len__(self) -> int:
        return len(self.data)

    def _tag(self, est: Estimates, var: str) -> Estimates:
        """``est``, noting the variable and the dataset it was estimated from (for its labels)."""
        return display.tag(est, variable=var, dataset=self.data.attrs.get("dataset"))

    def _repr_html_(self) -> str | None:
        """In Chinese a table of the design's facts; in English none (the text repr)."""
        return display.design_html(self) if get_language() == "zh" else None

    def __repr__(self) -> str:
        if get_language() == "zh":
            return display.design_text(self)
        parts = [f"{len(self.data)} rows", f"{self.n_psu} PSUs"]
        if self.cluster_cols:
            parts[-1] += f" (cluster={self.cluster_cols!r})"
        parts.append(
            f"{self.n_strata} strata" + (f" ({self.strata_cols!r})" if self.strata_cols else "")
        )
        if self.weights_col:
            parts.append(f"weights={self.weights_col!r}")
        if self.fpc_col:
            parts.append(f"fpc={self.fpc_col!r}")
        return f"<Design: {', '.join(parts)}; degf={self.degf}>"

    def _stratum_label(self, code: int) -> str:
        row = [v.item() if isinstance(v, np.generic) else v
               for v in self._strata_keys.iloc[code].tolist()]
        return repr(row[0]) if len(row) == 1 else " / ".join(str(v) for v in row)

    # -- estimates -------------------------------------------------------------

    def mean(
        self,
        var: str,
        *,
        by: ColumnSpec | None = None,
        na_rm: bool = True,
        level: float = 0.95,
        deff: bool | Literal["replace"] = True,
    ) -> Estimates:
        """Design-based mean of a numeric column, overall or per domain.

        Parameters
        ----------
        var : str
            A numeric (or boolean) column.
        by : str or list of str, optional
            Domain column(s).  Domains are estimated on the full design (rows
            outside a domain add zero to the PSU totals) like R's ``svyby``,
            not by subsetting the rows.  Rows whose ``by`` value is missing
            belong to no domain.
        na_rm : bool, default True
            Missing values of ``var`` add zero to the PSU totals while the
            design is kept (R's ``na.rm=TRUE``).  With False a domain holding a
            missing value gets NaN.
        level : float, default 0.95
            The confidence level; the interval is ``estimate +/- t(degf) * se``
            (R's ``confint(x, df=degf(design))``). For a yes/no (boolean)
            column the mean is a share, and the interval is the logit interval
            of R's ``svyciprop(method="logit")``, which stays between 0 and 1.
        deff : True or "replace", default True
            Design effect: ``True`` divides by the variance under simple random
            sampling without replacement of the same size from a population of
            ``sum(weights)`` (R's ``deff=TRUE``; NaN when the weights sum to
            less than n, and inf when they sum to exactly n, e.g. unit
            weights, as in R); ``"replace"`` compares with simple random
            sampling with replacement (R's ``deff="replace"``).

        Returns
        -------
        Estimates
            A DataFrame: the ``by`` columns, then ``estimate, se, ci_low,
            ci_high, n, deff`` (``n`` counts the respondents with a value);
            its :meth:`~Estimates.contrast`, :meth:`~Estimates.difference`,
            :meth:`~Estimates.conf_int` and :attr:`~Estimates.vcov` use the design.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"village": [1, 1, 2, 2, 3, 3], "sex": list("fmfmfm"),
        ...                    "w": [1.0, 2, 1, 2, 1, 2], "income": [3.0, 5, 4, 6, 2, 8]})
        >>> Design(df, weights="w", cluster="village").mean("income", by="sex")[
        ...     ["sex", "estimate", "n"]]
          sex  estimate  n
        0   f  3.000000  3
        1   m  6.333333  3
        """
        self._check_unchanged()
        return self._tag(estimators.numeric_estimates(
            self.data, self.coded, var, by, kind="mean", na_rm=na_rm, level=level, deff=deff), var)

    def total(
        self,
        var: str,
        *,
        by: ColumnSpec | None = None,
        na_rm: bool = True,
        level: float = 0.95,
        deff: bool | Literal["replace"] = True,
    ) -> Estimates:
        """Design-based (Horvitz-Thompson) total of a numeric column, like ``svytotal``.

        Parameters are as for :meth:`mean`; the design effect compares with
        the variance of ``sum(w) * sample mean`` under simple random sampling.

        Returns
        -------
        Estimates
            The ``by`` columns, then ``estimate, se, ci_low, ci_high, n, deff``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"village": [1, 1, 2, 2], "w": [10.0] * 4,
        ...                    "migrants": [1, 0, 2, 1]})
        >>> Design(df, weights="w", cluster="village").total("migrants")["estimate"].item()
        40.0
        """
        self._check_unchanged()
        return self._tag(estimators.numeric_estimates(
            self.data, self.coded, var, by, kind="total", na_rm=na_rm, level=level, deff=deff), var)

    def proportion(
        self,
        var: str,
        *,
        by: ColumnSpec | None = None,
        level: float = 0.95,
        na_rm: bool = True,
        deff: bool | Literal["replace"] = True,
    ) -> Estimates:
        """Share of each answer of a categorical or coded item, overall or per domain.

        The shares are domain means of the answer indicators (R's
        ``svymean(~factor, design)`` / ``svyby``); the confidence interval is
        the logit interval of R's ``svyciprop(method="logit")`` with the design
        degrees of freedom: ``expit(logit(p) +/- t * se / (p (1 - p)))``.  A
        share of exactly 0 or 1, or with a zero standard error, gets the
        interval ``[p, p]``.

        Parameters
        ----------
        var : str
            Any column; each distinct non-missing value is a category (those
            of a pandas Categorical keep their order, including empty ones).
        by : str or list of str, optional
            Domain column(s), estimated on the full design.
        level : float, default 0.95
            The confidence level (keyword-only, as everywhere).
        na_rm : bool, default True
            Missing answers are left out of the denominator (design kept).
        deff : True or "replace", default True
            Design effect, as in :meth:`mean`.

        Returns
        -------
        Estimates
            The ``by`` columns, ``category``, ``estimate, se, ci_low, ci_high``,
            ``n`` (respondents with an answer in the domain: the base),
            ``count`` (respondents giving this answer) and ``deff``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"village": [1, 1, 2, 2, 3, 3],
        ...                    "party_member": ["yes", "no", "no", "no", "yes", "no"]})
        >>> df["w"] = 2.0
        >>> Design(df, weights="w", cluster="village").proportion("party_member")[
        ...     ["category", "estimate", "n", "count"]]
          category  estimate  n  count
        0       no  0.666667  6      4
        1      yes  0.333333  6      2
        """
        self._check_unchanged()
        return self._tag(estimators.proportion_of_column(
            self.data, self.coded, var, by, level=level, na_rm=na_rm, deff=deff), var)

    def difference(
        self,
        var: str,
        *,
        between: str,
        groups: tuple[Hashable, Hashable],
        by: ColumnSpec | None = None,
        stat: Literal["mean", "total", "proportion"] = "mean",
        level: float = 0.95,
        method: Literal["design", "independent"] = "design",
    ) -> Estimates:
        """Difference of an estimate between two groups or survey waves, with SE and CI.

        The difference is ``estimate(groups[1]) - estimate(groups[0])``, e.g.
        ``groups=(2023, 2024)`` gives "2024 minus 2023".

        This is the short call for a contrast of a by-domain result, and is
        computed exactly so (one path): the estimates of ``var`` in the two
        groups (within each ``by`` domain) as an :class:`Estimates`, then its
        :meth:`Estimates.difference`. ``design.mean(var, by=[*by, between])
        .difference(between, groups)`` gives the same numbers.

        With ``method="design"`` (default) the standard error uses the full
        linearised covariance of the two domain estimates: the difference is a
        linear combination of the domain scores, whose PSU totals are centred
        within strata as for any estimate.  This equals R's
        ``svycontrast(svyby(~var, ~group, design, svymean, covmat=TRUE),
        c(-1, 1))`` and is right whether the two groups share PSUs (e.g. men
        and women in the same villages) or not.

        Independent waves: when two survey waves are independent samples,
        declare the wave as part of the strata (``strata=["year",
        "township"]``) and give PSUs wave-specific labels.  Then no stratum or
        PSU holds both waves, the covariance term is exactly zero and the
        standard error is ``sqrt(se_a**2 + se_b**2)``.  ``method="independent"``
        uses that formula whatever the design says (useful when the waves
        share stratum labels but were drawn independently).

        Parameters
        ----------
        var : str
            Variable to compare (numeric for mean/total, any for proportion).
        between : str
            Column that tells the groups or waves apart (e.g. ``"year"``).
        groups : tuple of two values
            The two values of ``between`` to compare, ``(a, b)``; result is b - a.
        by : str or list of str, optional
            Compare within each domain (e.g. per township) in one call.
        stat : {"mean", "total", "proportion"}, default "mean"
            For "proportion" there is one row per answer category.
        level : float, default 0.95
            The confidence level; intervals and the two-sided p-value use the t
            distribution with the design degrees of freedom.
        method : {"design", "independent"}, default "design"

        Returns
        -------
        Estimates
            The ``by`` columns (and ``category`` for proportions), then
            ``estimate`` (b - a), ``se``, ``ci_low``, ``ci_high``, ``p_value``,
            ``estimate_a``, ``estimate_b``, ``se_a``, ``se_b``, ``n_a``, ``n_b``;
            ``attrs["groups"]`` is ``(a, b)``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({
        ...     "year": [2023] * 4 + [2024] * 4,
        ...     "village": ["a", "a", "b", "b", "c", "c", "d", "d"],
        ...     "high": [0, 1, 0, 0, 1, 1, 0, 1], "w": [1.0] * 8})
        >>> d = Design(df, weights="w", strata="year", cluster="village")
        >>> d.difference("high", between="year", groups=(2023, 2024))[
        ...     ["estimate", "se", "n_a", "n_b"]]
           estimate        se  n_a  n_b
        0       0.5  0.353553    4    4
        """
        check_choice(stat, "stat", ("mean", "total", "proportion"))
        check_choice(method, "method", ("design", "independent"))
        self._check_unchanged()
        check_columns(self.data, [between], "between")
        check_name(var)
        check_columns(self.data, [var], "variable")
        by_cols = as_list(by)
        check_columns(self.data, by_cols, "by")
        if between in by_cols:
            raise SurveyError.of("survey.between_is_by", between=between)
        dom, keys = self._two_group_domains(between, groups, by_cols)
        if stat == "proportion":
            est = estimators.proportion_estimates(
                self.data[var], dom, keys, self.coded, by=[*by_cols, between], level=level,
                na_rm=True, deff=False)
        else:
            est = estimators.numeric_on_domains(
                self.data, self.coded, var, dom, keys, by=[*by_cols, between], kind=stat,
                na_rm=True, level=level, deff=False)
        return self._tag(est.difference(between, tuple(groups), method=method, level=level), var)

    def _two_group_domains(
        self, between: str, groups: object, by_cols: list[str]
    ) -> tuple[np.ndarray, pd.DataFrame]:
        """Domain ``2 g + side`` of each row (side 0 = a, 1 = b; -1 in neither) and the keys."""
        if not isinstance(groups, tuple | list) or len(groups) != 2:
            raise SurveyError.of("survey.groups_pair", between=between)
        column = self.data[between]
        present = set(pd.unique(column.dropna()).tolist())
        for value in groups:
            if value not in present:
                raise SurveyError.of("survey.group_not_present", value=value, between=between,
                                     present=sorted(present, key=sort_key)[:20])
        a, b = groups
        # Nullable columns give NA for rows in neither group: those rows count as neither.
        is_b = column.eq(b).fillna(False).to_numpy(dtype=bool)
        is_a = column.eq(a).fillna(False).to_numpy(dtype=bool)
        side = np.where(is_b, 1, np.where(is_a, 0, -1))
        if by_cols:
            gcode, gkeys = group_codes(self.data, by_cols)
        else:
            gcode, gkeys = np.zeros(len(self.data), dtype=np.int64), pd.DataFrame(index=[0])
        dom = np.where((gcode >= 0) & (side >= 0), 2 * gcode + side, -1)
        keys = gkeys.iloc[np.repeat(np.arange(len(gkeys)), 2)].reset_index(drop=True)
        keys[between] = pd.Series([a, b] * len(gkeys), dtype=object).to_numpy()
        return dom, keys

    # -- regression ----------------------------------------------------------------

    def glm(
        self,
        formula: str,
        *,
        family: Literal["gaussian", "binomial"] = "gaussian",
        level: float = 0.95,
    ) -> glm.GLMResult:
        """Design-based linear or logistic regression, as R's ``svyglm()``.

        The coefficients are weighted (pseudo-)maximum-likelihood estimates:
        the generalised linear model fitted by statsmodels with the sampling
        weights as ``var_weights``.  Their standard errors come from
        linearising the estimating equations, with the design variance of a
        total computed exactly as for :meth:`total` (PSU totals within
        strata, ``n_h / (n_h - 1)``, fpc, the lonely-PSU rule)::

            V(b) = A^-1 Var(sum_i U_i) A^-1,   U_i = w_i x_i (y_i - mu_i),
            A = sum_i w_i v_i x_i x_i'          (v_i = 1, or mu_i (1 - mu_i) for binomial)

        This is R's ``svyglm(formula, design, family=gaussian())`` or
        ``family=quasibinomial()`` (``svy.varcoef``).

        Parameters
        ----------
        formula : str
            A patsy formula as in ``statsmodels.formula.api``, e.g.
            ``"income ~ age + C(township) + np.log(land)"``: text columns become
            dummy variables against their first level in sorted order (R's
            default too), ``a:b`` and ``a * b`` give interactions, ``I(x ** 2)``
            computes.  Column names with dots written as in R (``acs.k3``) are
            understood; other names that are not Python names need
            ``Q("household size")``.  Names not in the data are looked up
            where ``glm`` is called (so ``np.log`` needs ``import numpy as np``).
        family : {"gaussian", "binomial"}, default "gaussian"
            ``"gaussian"``: linear regression (identity link).  ``"binomial"``:
            logistic regression (logit link) of a 0/1 outcome or of a
            proportion, R's ``quasibinomial()``: same estimates as a weighted
            binomial fit, no complaint about non-integer weighted counts.  A
            True/False outcome counts True as 1, e.g. ``"I(answer == 'yes') ~
            age"``; a text outcome is an error.
        level : float, default 0.95
            The confidence level of the intervals.

        Returns
        -------
        GLMResult
            ``.params``, ``.bse``, ``.vcov``, ``.df_resid``, ``.nobs``,
            ``.summary()`` (a summary object: text and HTML), ``.summary_frame()``
            (one row per coefficient: ``term, estimate, se, ci_low, ci_high, t,
            p_value`` and for binomial ``odds_ratio, or_ci_low, or_ci_high``).

        Notes
        -----
        Missing values: rows with a missing value in any variable of the
        model are left out of the fit (R's ``na.action=na.omit``), but the
        design is kept as R keeps it: their PSUs still count in ``n_h``, so
        the variance is that of a domain, as with ``na_rm``.  The design
        degrees of freedom count only the PSUs and strata that have rows in
        the fit (R's ``degf()`` of the subset design), so they can be fewer
        than :attr:`degf`.

        Tests and intervals use the t distribution with ``df_resid = degf + 1
        - p`` degrees of freedom (p coefficients), as R's ``summary.svyglm``
        and its default (Wald) ``confint``.

        Terms that are linear combinations of others (e.g. a category with no
        rows left after dropping missing values) are an error; R would report
        their coefficients as NA.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({
        ...     "township": ["A"] * 6 + ["B"] * 6,
        ...     "village": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
        ...     "w": [10.0, 12, 8, 9, 11, 10, 9, 12, 10, 8, 11, 9],
        ...     "age": [34, 51, 45, 29, 62, 38, 47, 55, 41, 36, 58, 44],
        ...     "voted": [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0],
        ... })
        >>> d = Design(df, weights="w", strata="township", cluster="village")
        >>> fit = d.glm("voted ~ age", family="binomial")
        >>> fit.summary_frame()[["term", "estimate", "se", "odds_ratio"]].round(3)
                term  estimate     se  odds_ratio
        0  Intercept    -13.29  3.387        0.00
        1        age      0.30  0.061        1.35
        >>> fit.df_resid  # 6 villages - 2 townships + 1 - 2 coefficients
        3
        """
        self._check_unchanged()
        return glm.fit(self.data, self.coded, formula, family=family, level=level, depth=1)


# ---------------------------------------------------------------------------
# The bundled survey
# ---------------------------------------------------------------------------


def survey_design(survey: pd.DataFrame) -> Design:
    """The design of the bundled trust survey, as its datasheet declares it, in one call.

    ``Design(survey, weights="weight", strata=["year", "township_id"],
    cluster="village_id", nest=True)``: the waves are independent samples, so
    the strata are year x township; the clusters are the sampled villages (a
    village can be drawn again in another year, hence ``nest=True``). Works
    on any variant of the county, raw or cleaned, and on the survey with
    columns added. In R: ``svydesign(id=~village_id,
    strata=~interaction(year, township_id), weights=~weight, nest=TRUE,
    data=survey)``.

    Parameters
    ----------
    survey : pandas.DataFrame
        The trust survey, from ``ruralkit.load_trust_survey()`` (any variant,
        ``raw=True`` or not), possibly with columns added.

    Returns
    -------
    Design

    Examples
    --------
    >>> import ruralkit as rk
    >>> design = rk.survey_design(rk.load_trust_survey())
    >>> design.degf, design.strata_cols, design.cluster_cols
    (144, ['year', 'township_id'], ['village_id'])
    """
    if not isinstance(survey, pd.DataFrame):
        raise SurveyError.of("survey.survey_design_frame", kind=type(survey).__name__)
    missing = [c for c in dict.fromkeys(as_list(SURVEY_DESIGN["weights"])
                                        + SURVEY_DESIGN["strata"] + [SURVEY_DESIGN["cluster"]])
               if c not in survey.columns]
    if missing:
        raise SurveyError.of("survey.survey_design_columns", missing=", ".join(missing))
    return Design(survey, **SURVEY_DESIGN)
