"""Texts of the checking engine, in English and Chinese.

Every message a learner can see from ``q1.check()``, ``q1.hint()`` or
``q1.solution()`` is written here once, in both languages, so that the two stay
in step (a test checks that every entry has both). Messages are wrapped in
:class:`Msg`, which is formatted only when shown, in the language chosen with
``ruralkit.set_language``.

Examples
--------
>>> from ruralkit.exercises.messages import msg
>>> m = msg("not_defined", name="share")
>>> m.render("en").startswith("`share` is not defined")
True
>>> m.render("zh").startswith("`share` 还没有定义")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ruralkit import i18n

__all__ = ["MESSAGES", "Msg", "msg", "as_msg"]


class Msg:
    """A message in several languages, formatted in the current one when shown.

    Parameters
    ----------
    texts : mapping or str
        ``{"en": ..., "zh": ...}`` with ``str.format`` fields; a plain string is
        used for every language.
    **fields
        Values for the fields. A field that is itself a :class:`Msg` is rendered
        in the same language.

    Examples
    --------
    >>> Msg({"en": "{n} villages", "zh": "{n} 个村"}, n=60).render("zh")
    '60 个村'
    """

    __slots__ = ("texts", "fields")

    def __init__(self, texts: Mapping[str, str] | str, **fields: Any) -> None:
        self.texts = {"en": texts} if isinstance(texts, str) else dict(texts)
        self.fields = fields

    def render(self, language: str | None = None) -> str:
        """Return the text in ``language`` (default: the current language)."""
        if language is None:
            template = i18n.pick(self.texts)
            language = i18n.get_language()
        else:
            template = self.texts.get(language) or self.texts["en"]
        fields = {
            k: (v.render(language) if isinstance(v, Msg) else v) for k, v in self.fields.items()
        }
        return template.format(**fields) if fields else template

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Msg({self.render('en')!r})"

    def __add__(self, other: Msg | str) -> Msg:
        other = as_msg(other)
        langs = set(self.texts) | set(other.texts)
        return Msg({lang: self.render(lang) + other.render(lang) for lang in langs})


def as_msg(text: Msg | Mapping[str, str] | str | None) -> Msg:
    """Turn a ``Msg``, an ``{"en", "zh"}`` mapping or a string into a ``Msg``."""
    if isinstance(text, Msg):
        return text
    if text is None:
        return Msg("")
    # Braces in a literal text must not be taken for format fields.
    if isinstance(text, str):
        return Msg(text.replace("{", "{{").replace("}", "}}"))
    return Msg({k: v.replace("{", "{{").replace("}", "}}") for k, v in text.items()})


def msg(key: str, **fields: Any) -> Msg:
    """The catalogue message ``key`` with its fields, as a :class:`Msg`."""
    return Msg(MESSAGES[key], **fields)


MESSAGES: dict[str, dict[str, str]] = {
    # ----- headings -----
    "correct": {"en": "Correct ✓", "zh": "正确 ✓"},
    "incorrect": {"en": "Not yet ✗", "zh": "还不对 ✗"},
    "not_attempted": {"en": "Not attempted", "zh": "尚未作答"},
    "uncheckable": {"en": "Nothing to check", "zh": "无需检查"},
    "engine_error": {"en": "Could not check", "zh": "无法检查"},
    "question": {"en": "Question {n}", "zh": "第 {n} 题"},
    "hint": {"en": "Hint {i} of {n}", "zh": "提示 {i}/{n}"},
    "solution": {"en": "Solution", "zh": "参考答案"},
    # ----- bodies -----
    "correct_body": {"en": "Well done.", "zh": "做得好。"},
    "not_attempted_body": {
        "en": "Replace `____` with your answer in the cell above, run that cell "
        "(Shift+Enter), then run this check again.",
        "zh": "请把上面单元格中的 `____` 换成您的答案，运行该单元格（Shift+Enter），再运行本检查。",
    },
    "no_more_hints": {
        "en": "That was the last hint. If you are stuck, `{label}.solution()` shows the answer.",
        "zh": "这是最后一条提示。如果还是不会，`{label}.solution()` 会显示参考答案。",
    },
    "no_hints": {"en": "There are no hints for this question.", "zh": "本题没有提示。"},
    "view_help": {
        "en": "{title}. Run `{label}.check()` to check your answer, `{label}.hint()` for a hint, "
        "`{label}.solution()` for the solution.",
        "zh": "{title}。运行 `{label}.check()` 检查答案，`{label}.hint()` 查看提示，"
        "`{label}.solution()` 查看参考答案。",
    },
    "call_with_brackets": {
        "en": "Add brackets to run it: `{call}`",
        "zh": "加上括号才能运行：`{call}`",
    },
    "no_such_action": {
        "en": "`{label}` has no `{attr}`. Did you mean `{label}.{suggestion}()`?",
        "zh": "`{label}` 没有 `{attr}`。您是不是想用 `{label}.{suggestion}()`？",
    },
    "engine_error_body": {
        "en": "The checker itself ran into a problem ({error}). Your answer may be right. "
        "Please tell your instructor.",
        "zh": "检查程序本身出了问题（{error}）。您的答案可能是对的。请告诉老师。",
    },
    "thought_experiment": {
        "en": "This question has no single right answer to check. Compare your thoughts with "
        "`{label}.solution()`.",
        "zh": "本题没有可自动检查的唯一答案。请与 `{label}.solution()` 对照您的想法。",
    },
    # ----- learner mistakes in the check call -----
    "not_defined": {
        "en": "`{name}` is not defined yet. Run the cell where you write `{name} = ...` "
        "(click it and press Shift+Enter), then check again. If that cell stopped with an "
        "error, fix that cell and run it again.",
        "zh": "`{name}` 还没有定义。请先运行写有 `{name} = ...` 的单元格（点击它后按 "
        "Shift+Enter），再检查。如果那个单元格运行时报错停下了，请先改正它，再重新运行。",
    },
    "not_defined_close": {
        "en": "`{name}` is not defined. Did you mean to call it `{name}` but typed `{close}`? "
        "The check looks for the exact name `{name}`. If the cell that defines `{name}` "
        "stopped with an error, fix that cell and run it again.",
        "zh": "`{name}` 没有定义。您是不是把 `{name}` 写成了 `{close}`？检查只认准确的名字 "
        "`{name}`。如果给 `{name}` 赋值的单元格运行时报错停下了，请先改正它，再重新运行。",
    },
    # ----- why an answer is missing, when the grader knows (feedback files) -----
    "missing_cell_error": {
        "en": "`{name}` is not defined, because the cell that sets it ({cell}) stopped with "
        "an error ({error}). Fix that cell and run it again.",
        "zh": "`{name}` 没有定义，因为给它赋值的单元格（{cell}）运行时报错停下了（{error}）。"
        "请改正该单元格，再重新运行。",
    },
    "missing_cell_timeout": {
        "en": "`{name}` is not defined, because the cell that sets it ({cell}) was still "
        "running after {seconds} seconds and was stopped. Look for a loop that never ends.",
        "zh": "`{name}` 没有定义，因为给它赋值的单元格（{cell}）运行了 {seconds} 秒还没结束，"
        "被停止了。请检查是否有停不下来的循环。",
    },
    "missing_cell_not_run": {
        "en": "`{name}` is not defined, because the time allowed for the whole notebook was "
        "used up before the cell that sets it ({cell}) could run.",
        "zh": "`{name}` 没有定义，因为整个笔记本的运行时间已用完，给它赋值的单元格（{cell}）"
        "没能运行。",
    },
    "missing_cell_crashed": {
        "en": "`{name}` is not defined, because the cell that sets it ({cell}) stopped Python "
        "itself (the kernel crashed), so the grader had to skip it.",
        "zh": "`{name}` 没有定义，因为给它赋值的单元格（{cell}）使 Python 本身停止运行"
        "（内核崩溃），评分程序只好跳过了它。",
    },
    "missing_export": {
        "en": "The grader could not collect the answers of your notebook, so this question "
        "could not be checked.",
        "zh": "评分程序没能取回您笔记本中的答案，所以本题无法检查。",
    },
    # ----- where a cell is (JupyterLab shows no cell numbers) -----
    "cell_answer": {"en": "the answer cell of question {n}", "zh": "第 {n} 题的作答单元格"},
    "cell_check": {"en": "the check cell of question {n}", "zh": "第 {n} 题的检查单元格"},
    "cell_help": {"en": "the hint cell of question {n}", "zh": "第 {n} 题的提示单元格"},
    "cell_given": {"en": "the cell given with question {n}", "zh": "第 {n} 题给出的单元格"},
    "cell_setup": {"en": "the first code cell (setup)", "zh": "第一个代码单元格（初始化）"},
    "cell_language": {"en": "the language cell", "zh": "语言设置单元格"},
    "cell_added": {
        "en": "a cell added in question {n}, starting `{start}`",
        "zh": "第 {n} 题中添加的单元格（开头是 `{start}`）",
    },
    "cell_added_top": {
        "en": "a cell added before question 1, starting `{start}`",
        "zh": "第 1 题之前添加的单元格（开头是 `{start}`）",
    },
    "check_args": {
        "en": "`{label}.check()` takes no arguments: set `{name}` in the cell above and run "
        "`{label}.check()` on its own.",
        "zh": "`{label}.check()` 不需要参数：请在上面的单元格里给 `{name}` 赋值，然后单独运行 "
        "`{label}.check()`。",
    },
    # ----- type and value messages -----
    "wrong_type": {
        "en": "`{name}` should be {expected}, but it is {found}.",
        "zh": "`{name}` 应该是{expected}，但它是{found}。",
    },
    "is_none": {
        "en": "`{name}` is `None` (nothing). This happens when the right-hand side only shows "
        "something, like `print(...)` or `plt.show()`, or changes a table in place "
        "(`inplace=True`). Assign the result itself: `{name} = ...`.",
        "zh": "`{name}` 是 `None`（空）。当等号右边只是显示内容（如 `print(...)`、`plt.show()`），"
        "或者就地修改表格（`inplace=True`）时就会这样。请把结果本身赋给它：`{name} = ...`。",
    },
    "is_callable": {
        "en": "`{name}` is a function, not its result. Did you forget the brackets `()` at the "
        "end, e.g. `.sum()` instead of `.sum`?",
        "zh": "`{name}` 是一个函数，而不是它的结果。是不是忘了结尾的括号 `()`？例如应写 `.sum()` "
        "而不是 `.sum`。",
    },
    "number_as_text": {
        "en": "`{name}` is the text {found!r}, not a number. Remove the quotes, or better, let "
        "Python compute the number.",
        "zh": "`{name}` 是文字 {found!r}，不是数字。请去掉引号，最好让 Python 算出这个数。",
    },
    "one_value_container": {
        "en": "`{name}` is {container} that holds a single value. The question asks for the "
        "{what} itself: take it out, e.g. with `.iloc[0]` or `.item()`.",
        "zh": "`{name}` 是只含一个值的{container}。题目要的是这个{what}本身：请把它取出来，"
        "例如用 `.iloc[0]` 或 `.item()`。",
    },
    "container_series": {"en": "a Series", "zh": "序列（Series）"},
    "container_frame": {"en": "a table (DataFrame)", "zh": "表格（DataFrame）"},
    "container_array": {"en": "an array", "zh": "数组"},
    "container_list": {"en": "a list", "zh": "列表"},
    "container_tuple": {"en": "a tuple", "zh": "元组"},
    "container_other": {"en": "a collection", "zh": "集合"},
    "what_number": {"en": "number", "zh": "数"},
    "what_text": {"en": "text", "zh": "文字"},
    "number_wrong": {
        "en": "`{name}` is {found}, but that is not the expected value.",
        "zh": "`{name}` 是 {found}，这不是正确的值。",
    },
    "number_rounded": {
        "en": "`{name}` is {found}: close, but it looks rounded. Keep the full value that "
        "Python computed (do not type numbers in by hand).",
        "zh": "`{name}` 是 {found}：很接近，但似乎被四舍五入"
              "了。请保留 Python 算出的完整数值（不要手动输入数字）。",
    },
    "number_percent": {
        "en": "`{name}` is {found}, which looks like a percentage. Give the share as a "
        "proportion between 0 and 1 (do not multiply by 100).",
        "zh": "`{name}` 是 {found}，看起来是百分数。请给出 0 到 1 之间的比例（不要乘以 100）。",
    },
    "number_proportion": {
        "en": "`{name}` is {found}, which looks like a proportion between 0 and 1. The question "
        "asks for a percentage: multiply by 100.",
        "zh": "`{name}` 是 {found}，看起来是 0 到 1 之间的比例。题目要的是百分数：请乘以 100。",
    },
    "text_wrong": {
        "en": "`{name}` is {found!r}, which is not the expected answer.",
        "zh": "`{name}` 是 {found!r}，这不是正确答案。",
    },
    "bool_wrong": {
        "en": "`{name}` is {found}, but the answer is the opposite.",
        "zh": "`{name}` 是 {found}，但答案正好相反。",
    },
    "length_wrong": {
        "en": "`{name}` has {found} {unit}, but {expected} are expected.",
        "zh": "`{name}` 有 {found} {unit}，但应该有 {expected} {unit}。",
    },
    "labels_wrong": {
        "en": "The labels of `{name}` are not the expected ones.{details}",
        "zh": "`{name}` 的标签不对。{details}",
    },
    "labels_missing": {"en": " Missing: {labels}.", "zh": "缺少：{labels}。"},
    "labels_extra": {"en": " Not expected: {labels}.", "zh": "多出：{labels}。"},
    "labels_numbered": {
        "en": "`{name}` is numbered 0, 1, 2, … but its values should be labelled by "
        "{expected} (e.g. {example}). Did you use `reset_index()` or `.values`? Keep the labels "
        "that `groupby` gives.",
        "zh": "`{name}` 的标签是 0, 1, 2, …，但应该以 {expected} 作标签（例如 {example}）。"
        "是不是用了 `reset_index()` 或 `.values`？请保留 `groupby` 给出的标签。",
    },
    "duplicate_labels": {
        "en": "`{name}` has some labels more than once ({labels}); each should appear once.",
        "zh": "`{name}` 中有重复的标签（{labels}）；每个标签只应出现一次。",
    },
    "order_wrong": {
        "en": "`{name}` has the right values, but not in the order the question asks for.",
        "zh": "`{name}` 的数值是对的，但顺序不符合题目要求。",
    },
    "values_wrong": {
        "en": "Some values of `{name}` are not right: {details}.",
        "zh": "`{name}` 中有些值不对：{details}。",
    },
    "value_at": {
        "en": "at {label} you have {found}, expected {expected}",
        "zh": "在 {label} 处您的值是 {found}，应为 {expected}",
    },
    "value_at_column": {
        "en": "column {column!r}, row {label}: you have {found}, expected {expected}",
        "zh": "列 {column!r}、行 {label}：您的值是 {found}，应为 {expected}",
    },
    "and_more": {"en": " (and {n} more)", "zh": "（还有 {n} 处）"},
    "series_not_frame": {
        "en": "`{name}` is a Series (one column), but a table (DataFrame) with the columns "
        "{columns} is expected. Select columns with double brackets, e.g. `df[[...]]`.",
        "zh": "`{name}` 是一个序列（Series，只有一列），但题目要的是含有列 {columns} 的表格"
        "（DataFrame）。请用双层方括号选列，例如 `df[[...]]`。",
    },
    "frame_not_series": {
        "en": "`{name}` is a table (DataFrame), but one column of values (a Series) is "
        "expected. Select a single column with single brackets, e.g. `df[\"column\"]`.",
        "zh": "`{name}` 是一个表格（DataFrame），但题"
              "目要的是一列数值（Series）。请用单层方括号选出一列，"
        "例如 `df[\"列名\"]`。",
    },
    "columns_missing": {
        "en": "`{name}` lacks the column(s) {columns}.",
        "zh": "`{name}` 缺少列 {columns}。",
    },
    "columns_extra": {
        "en": "`{name}` has column(s) that are not asked for: {columns}.",
        "zh": "`{name}` 中有题目没有要求的列：{columns}。",
    },
    "key_missing": {
        "en": "`{name}` has no column {column!r}, so its rows cannot be matched. "
              "Keep that column.",
        "zh": "`{name}` 中没有列 {column!r}，无法逐行核对。请保留这一列。",
    },
    "rows_wrong": {
        "en": "`{name}` has {found} rows, but {expected} are expected.{details}",
        "zh": "`{name}` 有 {found} 行，但应该有 {expected} 行。{details}",
    },
    "rows_differ": {
        "en": "`{name}` has the right number of rows, but not the right ones.{details}",
        "zh": "`{name}` 的行数是对的，但不是应有的那些行。{details}",
    },
    "rows_which": {
        "en": " Rows that should not be there: {extra}. Rows that are missing: {missing}.",
        "zh": "不应出现的行：{extra}。缺少的行：{missing}。",
    },
    "none_list": {"en": "none", "zh": "无"},
    # ----- plots -----
    "plot_none": {
        "en": "`{name}` is `None`. `plt.show()` and some plotting calls return nothing. "
        "Keep what the plotting call returns: `{name} = data.plot.bar(...)`.",
        "zh": "`{name}` 是 `None`。`plt.show()` 等一些绘图调用不返回任何东西。请保存绘图调用返回的"
        "对象：`{name} = data.plot.bar(...)`。",
    },
    "plot_type": {
        "en": "`{name}` should be the chart (a matplotlib Axes, as returned by "
        "`data.plot.bar()`), but it is {found}.",
        "zh": "`{name}` 应该是图表（matplotlib 的 Axes，即 "
              "`data.plot.bar()` 的返回值），但它是{found}。",
    },
    "plot_part": {
        "en": "`{name}` is {found}, not the chart itself. `{name}` must be the chart (a "
        "matplotlib Axes): after `plt.bar(...)` write `{name} = plt.gca()`, or draw with "
        "`{name} = counts.plot.bar(...)`, which gives you the chart.",
        "zh": "`{name}` 是{found}，而不是图表本身。`{name}` 必须是图表（matplotlib 的 Axes）："
        "在 `plt.bar(...)` 之后写 `{name} = plt.gca()`，或者用 `{name} = counts.plot.bar(...)` "
        "画图，它会给出图表。",
    },
    "part_bars": {
        "en": "the bars (a BarContainer, what `plt.bar(...)` and `ax.bar(...)` return)",
        "zh": "一组柱子（BarContainer，即 `plt.bar(...)` 和 `ax.bar(...)` 的返回值）",
    },
    "part_lines": {
        "en": "the lines (what `plt.plot(...)` returns)",
        "zh": "一组折线（即 `plt.plot(...)` 的返回值）",
    },
    "part_text": {
        "en": "a piece of text (what `plt.title(...)` or `plt.xlabel(...)` returns)",
        "zh": "一段文字（即 `plt.title(...)` 或 `plt.xlabel(...)` 的返回值）",
    },
    "part_other": {
        "en": "a piece of a chart (`{kind}`)",
        "zh": "图表的一部分（`{kind}`）",
    },
    "plot_empty": {
        "en": "The chart `{name}` is empty: nothing has been drawn on it.",
        "zh": "图表 `{name}` 是空的：上面什么也没画。",
    },
    "plot_kind": {
        "en": "The chart `{name}` should be a {expected} chart, but it has no {unit}.",
        "zh": "图表 `{name}` 应该是{expected}，但上面没有{unit}。",
    },
    "plot_count": {
        "en": "The chart `{name}` has {found} {unit}; expected {expected} ({what}).",
        "zh": "图表 `{name}` 有 {found} 个{unit}；应为 {expected} 个（{what}）。",
    },
    "plot_title": {
        "en": "The chart `{name}` has no title. Add one with `title=\"...\"` or "
        "`{name}.set_title(\"...\")`: a chart in a report needs to say what it shows.",
        "zh": "图表 `{name}` 没有标题。请用 `title=\"...\"`"
              " 或 `{name}.set_title(\"...\")` 加上标题："
        "报告中的图表需要说明它展示的是什么。",
    },
    "plot_label": {
        "en": "The chart `{name}` has no label on its {axis} axis. Add one with "
        "`{name}.set_{axis}label(\"...\")`.",
        "zh": "图表 `{name}` 的 {axis} 轴没有标签。请用 `{name}.set_{axis}label(\"...\")` 加上。",
    },
    "plot_bar_labels": {
        "en": "The bars of `{name}` are labelled {found}; expected {what}: {expected}.",
        "zh": "图表 `{name}` 的柱子标签是 {found}；应为{what}：{expected}。",
    },
    "plot_heights": {
        "en": "The bars of `{name}` do not show the expected values.",
        "zh": "图表 `{name}` 中柱子的高度与正确数值不符。",
    },
    "kind_bar": {"en": "bar", "zh": "柱状图"},
    "kind_line": {"en": "line", "zh": "折线图"},
    "unit_bars": {"en": "bars", "zh": "柱子"},
    "unit_lines": {"en": "lines", "zh": "折线"},
    # ----- descriptions of values -----
    "desc_frame": {
        "en": "a table (DataFrame) with {rows} rows and {cols} columns",
        "zh": "一个 {rows} 行 {cols} 列的表格（DataFrame）",
    },
    "desc_series": {"en": "a Series of {n} values", "zh": "一个含 {n} 个值的序列（Series）"},
    "desc_number": {"en": "the number {value}", "zh": "数字 {value}"},
    "desc_text": {"en": "the text {value}", "zh": "文字 {value}"},
    "desc_bool": {"en": "the truth value {value}", "zh": "逻辑值 {value}"},
    "desc_list": {"en": "a {kind} of {n} items", "zh": "一个含 {n} 项的{kind}"},
    "desc_function": {"en": "a function", "zh": "一个函数"},
    "desc_other": {"en": "an object of type `{kind}`", "zh": "一个 `{kind}` 类型的对象"},
    "desc_axes": {"en": "a chart (Axes)", "zh": "一个图表（Axes）"},
    "desc_unreadable": {
        "en": "an object of type `{kind}` that the grader could not read",
        "zh": "一个评分程序无法读取的 `{kind}` 类型对象",
    },
    "kind_number": {"en": "a number", "zh": "一个数字"},
    "kind_integer": {"en": "a whole number", "zh": "一个整数"},
    "kind_text": {"en": "a text (str)", "zh": "一段文字（str）"},
    "kind_bool": {"en": "True or False", "zh": "True 或 False"},
    "kind_series": {"en": "a Series", "zh": "一个序列（Series）"},
    "kind_frame": {"en": "a table (DataFrame)", "zh": "一个表格（DataFrame）"},
    "kind_list": {"en": "a list", "zh": "一个列表"},
    "kind_function": {"en": "a function", "zh": "一个函数"},
    "unit_values": {"en": "values", "zh": "个值"},
    "unit_items": {"en": "items", "zh": "项"},
    # ----- grading -----
    "hidden_failed": {
        "en": "A further test run by the grader did not pass: {test}.",
        "zh": "评分程序的附加测试未通过：{test}。",
    },
}
