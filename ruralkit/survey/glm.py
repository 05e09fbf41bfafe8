"""Design-based regression (R's ``svyglm``): :func:`fit` behind :meth:`Design.glm`, and its results.

The model is fitted by statsmodels with the sampling weights as
``var_weights``; its estimating functions are linearised with the same PSU
machinery as every estimate (:func:`ruralkit.survey.variance.total_variance`).
statsmodels and patsy are imported only when a model is fitted.

Examples
--------
>>> import pandas as pd
>>> from ruralkit.survey import Design
>>> df = pd.DataFrame({"village": [1, 1, 2, 2, 3, 3], "w": [2.0, 1, 2, 1, 2, 1],
...                    "x": [1.0, 2, 3, 4, 5, 6], "y": [1.0, 3, 2, 5, 4, 6]})
>>> fit = Design(df, weights="w", cluster="village").glm("y ~ x")
>>> print(fit.summary())  # doctest: +NORMALIZE_WHITESPACE
Design-based linear regression (gaussian, as R's svyglm): y ~ x
6 observations, design df 2, residual df 1; 95% intervals and p-values from t(1)
     term  estimate       se    ci_low  ci_high         t  p_value
Intercept  0.205128 0.392333 -4.779936 5.190193  0.522842 0.693306
        x  0.871795 0.084813 -0.205852 1.949441 10.279070 0.061739
"""

from __future__ import annotations

import html
import re
import warnings
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special

from ..i18n import Msg, get_language, message
from ..labels import labelled
from .columns import check_columns, check_level
from .errors import NonNumericColumnError, SurveyError
from .variance import CodedDesign, degrees_of_freedom, p_values, t_quantile, total_variance

Family = Literal["gaussian", "binomial"]


def fit(
    data: pd.DataFrame,
    coded: CodedDesign,
    formula: str,
    *,
    family: Family,
    level: float,
    depth: int,
) -> GLMResult:
    """Fit ``formula`` on ``data`` with the design ``coded``: see :meth:`Design.glm`.

    ``depth`` is how many frames above this call the names of the formula are
    looked up (the caller of :meth:`Design.glm`).
    """
    if family not in ("gaussian", "binomial"):
        raise SurveyError.of("survey.glm_family", family=family)
    if not isinstance(formula, str) or "~" not in formula:
        raise SurveyError.of("survey.glm_formula_type", formula=formula)
    level = check_level(level)
    y_frame, x_frame = _model_frames(data, formula, depth + 1)
    y = _formula_outcome(y_frame, family)
    rows = x_frame.index.to_numpy()
    names = [_clean_term(c) for c in x_frame.columns]
    if len(rows) == 0:
        raise SurveyError.of("survey.glm_no_rows", formula=formula)
    x = x_frame.to_numpy(dtype=np.float64)
    w_rows = coded.weights[rows]
    w = w_rows / coded.weights.mean()  # R's rescale=TRUE; the scale changes no result
    used = w_rows != 0
    if np.linalg.matrix_rank(x[used]) < x.shape[1]:
        aliased = ", ".join(names[j] for j in _aliased_columns(x[used]))
        raise SurveyError.of("survey.glm_aliased", aliased=aliased, rows=int(used.sum()))
    beta = _coefficients(y, x, w, family, formula)
    vcov = _sandwich(coded, x, y, w, beta, family, rows)
    kept = rows[used]
    fit = GLMResult(
        formula=formula, family=family, names=names, params=beta, vcov=vcov,
        degf=degrees_of_freedom(coded.psu[kept], coded.stratum[kept]),
        nobs=int(used.sum()), level=level,
    )
    fit.dataset = data.attrs.get("dataset")  # labels its terms in the summary
    return fit


def _model_frames(data: pd.DataFrame, formula: str, depth: int) -> tuple:
    """patsy's outcome and model matrices, rows by position; a clear error otherwise."""
    import patsy

    frame = _plain_numeric(data).set_axis(pd.RangeIndex(len(data)), axis=0)
    try:
        return patsy.dmatrices(
            _quote_dotted_names(formula, data.columns),
            frame,
            eval_env=patsy.EvalEnvironment.capture(depth + 1),  # the caller's names, as smf
            NA_action="drop",
            return_type="dataframe",
        )
    except patsy.PatsyError as exc:
        name = _unknown_formula_name(exc, formula)
        if name is not None:
            check_columns(data, [name], "formula")
        raise SurveyError.of("survey.glm_formula_failed", formula=formula,
                             error=str(exc)) from exc


def _coefficients(
    y: np.ndarray, x: np.ndarray, w: np.ndarray, family: Family, formula: str
) -> np.ndarray:
    """Weighted (pseudo-)maximum-likelihood coefficients, warning once about separation."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    fam = families.Gaussian() if family == "gaussian" else families.Binomial()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = GLM(y, x, family=fam, var_weights=w).fit(
            maxiter=100, tol=0.0, atol=0.0, rtol=1e-12
        )
    separated = any("separation" in str(c.message) for c in caught)
    if separated or not res.converged:
        warnings.warn(message("survey.glm_not_converged", family=family, formula=formula),
                      UserWarning, stacklevel=4)
    for c in caught:  # pass on what statsmodels said beyond that (and overflows)
        if not (
            "separation" in str(c.message)
            or issubclass(c.category, RuntimeWarning)
            or c.category.__name__ == "ConvergenceWarning"
        ):
            warnings.warn(c.message, c.category, stacklevel=4)
    return np.asarray(res.params, dtype=np.float64)


def _sandwich(
    coded: CodedDesign, x: np.ndarray, y: np.ndarray, w: np.ndarray, beta: np.ndarray,
    family: Family, rows: np.ndarray,
) -> np.ndarray:
    """``V(b) = A^-1 Var(sum_i U_i) A^-1`` with the design variance of a total (R's svy.varcoef)."""
    from scipy import linalg

    eta = x @ beta
    # Both links are canonical, so the estimating function of row i is
    # w_i x_i (y_i - mu_i) (R: model.matrix * working residuals * working weights)
    # and the working weight is w_i v(mu_i).
    if family == "gaussian":
        mu, work = eta, w
    else:
        mu = special.expit(eta)
        work = w * mu * (1 - mu)
    score = x * (w * (y - mu))[:, None]
    # A^-1 = (X' W X)^-1 from the QR of sqrt(W) X, as R's summary.glm
    r = np.linalg.qr(x * np.sqrt(work)[:, None], mode="r")
    r_inv = linalg.solve_triangular(r, np.eye(x.shape[1]))
    a_inv = r_inv @ r_inv.T
    return total_variance(
        coded, score @ a_inv, coded.psu[rows], np.zeros(len(rows), dtype=np.int64), 1, cov=True
    )[0]


def _plain_numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable booleans and numbers as float64 with NaN, which patsy understands.

    A boolean becomes a 0/1 number, so its coefficient is named after the column.
    """
    types = pd.api.types
    nullable = [
        c for c, dt in frame.dtypes.items()
        if types.is_bool_dtype(dt)
        or (types.is_extension_array_dtype(dt) and types.is_numeric_dtype(dt))
    ]
    if not nullable:
        return frame
    return frame.assign(**{c: frame[c].astype("float64") for c in nullable})


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


class GLMResult:
    """Coefficients of a design-based regression from :meth:`Design.glm`.

    Attributes
    ----------
    params : pandas.Series
        The coefficients, indexed by term (``"Intercept"``, ``"age"``,
        ``"township[T.B]"``, ...).
    bse : pandas.Series
        Their design-based standard errors.
    tvalues, pvalues : pandas.Series
        t statistics and two-sided p-values on ``df_resid`` degrees of freedom.
    df_resid : int
        ``degf + 1 - p``, the degrees of freedom of tests and intervals (R's
        ``df.residual`` of an ``svyglm``).
    degf : int
        Design degrees of freedom of the rows in the fit (#PSUs - #strata).
    nobs : int
        Rows in the fit (complete cases with a nonzero weight).
    family, formula, level
        As passed to :meth:`Design.glm`.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit.survey import Design
    >>> df = pd.DataFrame({"village": [1, 1, 2, 2, 3, 3], "w": [2.0, 1, 2, 1, 2, 1],
    ...                    "x": [1.0, 2, 3, 4, 5, 6], "y": [1.0, 3, 2, 5, 4, 6]})
    >>> fit = Design(df, weights="w", cluster="village").glm("y ~ x")
    >>> fit.summary_frame()[["term", "estimate", "se"]].round(3)
            term  estimate     se
    0  Intercept     0.205  0.392
    1          x     0.872  0.085
    """

    def __init__(
        self,
        *,
        formula: str,
        family: str,
        names: list[str],
        params: np.ndarray,
        vcov: np.ndarray,
        degf: int,
        nobs: int,
        level: float,
    ) -> None:
        index = pd.Index(names, name="term")
        self.formula = formula
        self.family = family
        self.params = pd.Series(params, index=index, name="estimate")
        self.bse = pd.Series(np.sqrt(np.diag(vcov)), index=index, name="se")
        self._vcov = pd.DataFrame(vcov, index=index, columns=index)
        self.degf = degf
        self.df_resid = degf + 1 - len(names)
        self.nobs = nobs
        self.level = level
        #: The bundled dataset the data came from (labels the summary's terms), if known.
        self.dataset: str | None = None

    @property
    def tvalues(self) -> pd.Series:
        """Coefficient over standard error."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return (self.params / self.bse).rename("t")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values from the t distribution with ``df_resid`` df."""
        p = p_values(self.tvalues.to_numpy(), self.df_resid)
        return pd.Series(p, index=self.params.index, name="p_value")

    @property
    def vcov(self) -> pd.DataFrame:
        """Design-based covariance matrix of the coefficients (R's ``vcov``): :meth:`cov_params`."""
        return self._vcov.copy()

    def cov_params(self) -> pd.DataFrame:
        """Design-based covariance matrix of the coefficients (R's ``vcov``)."""
        return self._vcov.copy()

    def conf_int(self, *, level: float | None = None) -> pd.DataFrame:
        """Confidence intervals ``estimate +/- t(df_resid) * se`` (R's ``confint``).

        Parameters
        ----------
        level : float, optional
            The confidence level; default: the ``level`` of the fit.

        Returns
        -------
        pandas.DataFrame
            Columns ``ci_low, ci_high`` indexed by term.
        """
        level = self.level if level is None else level
        q = t_quantile(level, self.df_resid)
        return pd.DataFrame(
            {"ci_low": self.params - q * self.bse, "ci_high": self.params + q * self.bse}
        )

    def summary_frame(self, *, level: float | None = None) -> pd.DataFrame:
        """One row per coefficient: ``term, estimate, se, ci_low, ci_high, t, p_value``.

        For ``family="binomial"`` also ``odds_ratio, or_ci_low, or_ci_high``
        (the exponentiated estimate and interval).

        Parameters
        ----------
        level : float, optional
            The confidence level; default: the ``level`` of the fit.
        """
        ci = self.conf_int(level=level)
        out = pd.DataFrame({
            "term": self.params.index.to_numpy(dtype=object),
            "estimate": self.params.to_numpy(),
            "se": self.bse.to_numpy(),
            "ci_low": ci["ci_low"].to_numpy(),
            "ci_high": ci["ci_high"].to_numpy(),
            "t": self.tvalues.to_numpy(),
            "p_value": self.pvalues.to_numpy(),
        })
        if self.family == "binomial":
            out["odds_ratio"] = np.exp(out["estimate"])
            out["or_ci_low"] = np.exp(out["ci_low"])
            out["or_ci_high"] = np.exp(out["ci_high"])
        return out

    def summary(self, *, level: float | None = None) -> GLMSummary:
        """The fit as a summary object: text with ``print()``, a table in Jupyter.

        As statsmodels' ``summary()``: it returns a :class:`GLMSummary` rather than printing.
        """
        return GLMSummary(self, level=self.level if level is None else check_level(level))

    def __repr__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()


_FAMILY_NAMES = {"gaussian": "survey.glm_family_gaussian",
                 "binomial": "survey.glm_family_binomial"}


class GLMSummary:
    """What :meth:`GLMResult.summary` returns: a header and the coefficient table.

    ``str()`` / ``print()`` give text, Jupyter shows HTML (``_repr_html_``);
    ``as_text()``, ``as_html()`` and ``frame`` give each form explicitly.
    """

    def __init__(self, result: GLMResult, *, level: float) -> None:
        self.result = result
        self.level = level
        #: The coefficient table, as :meth:`GLMResult.summary_frame`.
        self.frame = result.summary_frame(level=level)

    def header(self) -> list[str]:
        """The two header lines, in the current language."""
        r = self.result
        linear = r.family == "gaussian"
        kind = Msg("survey.glm_kind_linear" if linear else "survey.glm_kind_logistic")
        family = Msg(_FAMILY_NAMES[r.family]) if r.family in _FAMILY_NAMES else r.family
        return [
            message("survey.glm_header_model", kind=kind, family=family, formula=r.formula),
            message("survey.glm_header_counts", nobs=r.nobs, degf=r.degf, df_resid=r.df_resid,
                    pct=f"{100 * self.level:g}%"),
        ]

    def shown(self) -> pd.DataFrame:
        """The coefficient table as shown: in Chinese labelled (变量, 估计值, 标准误 ...)."""
        if get_language() == "zh":
            return labelled(self.frame, self.result.dataset)
        return self.frame

    def as_text(self) -> str:
        """The summary as plain text."""
        return "\n".join([*self.header(), self.shown().to_string(index=False)])

    def as_html(self) -> str:
        """The summary as an HTML fragment."""
        head = "<br>".join(html.escape(line) for line in self.header())
        return f"<p>{head}</p>" + self.shown().to_html(index=False)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


# ---------------------------------------------------------------------------
# Formula helpers
# ---------------------------------------------------------------------------

# R-syntactic names (letters, digits, dots, underscores) with a dot, such as acs.k3
_DOTTED_NAME = re.compile(r"[A-Za-z.][A-Za-z0-9._]*")
_STRING_LITERAL = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")

def _quote_dotted_names(formula: str, columns: pd.Index) -> str:
    """Write the data's R-style dotted column names in ``formula`` as ``Q("acs.k3")``.

    Python would read ``acs.k3`` as the attribute ``k3`` of ``acs``; R reads a
    column name.  Text inside string literals is left alone.
    """
    names = sorted(
        {
            c for c in columns
            if isinstance(c, str) and "." in c and _DOTTED_NAME.fullmatch(c)
            and not re.match(r"\.\d", c)
        },
        key=len,
        reverse=True,
    )
    if not names:
        return formula
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, names)) + r")(?![\w.])")
    parts = _STRING_LITERAL.split(formula)
    for i in range(0, len(parts), 2):  # odd parts are string literals
        parts[i] = pattern.sub(lambda m: f'Q("{m.group(0)}")', parts[i])
    return "".join(parts)


def _clean_term(name: str) -> str:
    """``Q("acs.k3")`` -> ``acs.k3`` in coefficient names."""
    return re.sub(r"""Q\((["'])(.*?)\1\)""", r"\2", name)


def _unknown_formula_name(exc: Exception, formula: str) -> str | None:
    """The column name a formula used but the data lacks, if that is what failed."""
    cause = exc.__cause__
    if not isinstance(cause, NameError):
        return None
    name = getattr(cause, "name", None)
    if name is None:  # Q("x") of a name that is nowhere
        found = re.search(r"""no data named (["'])(.*)\1 found""", str(cause))
        return found.group(2) if found else None
    # an R-style dotted name that is not a column: Python stopped at its first part
    dotted = re.search(
        rf"(?<![\w.]){re.escape(name)}(\.[A-Za-z0-9._]+)(?![\w.])(?!\s*\()", formula
    )
    if dotted:
        return name + dotted.group(1)
    if re.search(rf"(?<![\w.]){re.escape(name)}\s*[.(]", formula):
        return None  # a module or function (np.log without numpy imported)
    return name


def _formula_outcome(y_frame: pd.DataFrame, family: str) -> np.ndarray:
    """The outcome of a patsy model as float64, or a clear error."""
    info = y_frame.design_info
    factors = [f for term in info.terms for f in term.factors]
    if len(factors) != 1:
        raise SurveyError.of("survey.glm_one_outcome", count=len(factors))
    factor = factors[0]
    name = _clean_term(factor.name())
    finfo = info.factor_infos[factor]
    if finfo.type == "categorical":
        cats = list(finfo.categories)
        if True in cats and all(isinstance(c, bool | np.bool_) for c in cats):
            return y_frame.iloc[:, cats.index(True)].to_numpy(dtype=np.float64)
        shown = ", ".join(repr(c) for c in cats[:10]) + (" ..." if len(cats) > 10 else "")
        last = cats[-1] if cats else "yes"
        raise NonNumericColumnError.of("survey.glm_text_outcome", name=name, shown=shown,
                                       last=last)
    y = y_frame.iloc[:, 0].to_numpy(dtype=np.float64)
    if family == "binomial" and (y.min() < 0 or y.max() > 1):
        raise SurveyError.of("survey.glm_binomial_range", name=name, low=y.min(),
                             high=y.max())
    return y


def _aliased_columns(x: np.ndarray) -> list[int]:
    """Columns that are linear combinations of earlier ones (R's NA coefficients)."""
    kept: list[int] = []
    aliased: list[int] = []
    for j in range(x.shape[1]):
        if np.linalg.matrix_rank(x[:, [*kept, j]]) == len(kept) + 1:
            kept.append(j)
        else:
            aliased.append(j)
    return aliased


_MAX_LEVELS = 1000
_BLOCK_CELLS = 20_000_000  # rows x levels of indicators held at once (160 MB)


