"""Grouping of texts that say the same thing in different words, on real-looking variants."""

from __future__ import annotations

from reportkit.rendering.grouping import comparison_key, figures, group_texts, informative, sentences

FUNDING = [
    ("梁子湖区", "专项经费保障不足，部分项目推进受到影响。"),
    ("鄂城区", "经费不足。"),
    ("华容区", "资金保障不到位，影响工作推进"),
    ("葛店经开区", "项目资金到位较晚，部分工作推进慢于计划。"),
    ("临空经济区", "财政投入不足，设备更新缓慢。"),
]
STAFF = [
    ("市市场监管局计量科", "基层执法人员不足，专项检查覆盖面不够。"),
    ("华容区", "专业技术人员缺乏。"),
    ("鄂城区", "执法力量薄弱，难以覆盖全部市场主体。"),
]
OTHERS = [
    ("市市场监管局法规科", "检验检测设备老化，部分项目需委托外地检测。"),
    ("市市场监管局信用监管科", "部门间数据共享不充分，信用监管协同效果有待提升。"),
    ("市市场监管局登记注册科", "跨部门数据共享机制尚未建立，信息归集进度滞后。"),
    ("临空经济区", "新兴业态监管手段不足，网络交易监管存在短板。"),
]


def test_the_same_problem_worded_differently_is_one_group_with_who_raised_it():
    groups = group_texts([*FUNDING, *STAFF, *OTHERS])
    funding = groups[0]
    assert funding.units == ("梁子湖区", "鄂城区", "华容区", "葛店经开区", "临空经济区")
    assert funding.text == "专项经费保障不足，部分项目推进受到影响。"  # the most common wording, first seen
    assert funding.who() == "梁子湖区、鄂城区等5个单位"
    staff = next(g for g in groups if "市市场监管局计量科" in g.units)
    assert set(staff.units) == {"市市场监管局计量科", "华容区", "鄂城区"}
    sharing = next(g for g in groups if "市市场监管局信用监管科" in g.units)
    assert set(sharing.units) == {"市市场监管局信用监管科", "市市场监管局登记注册科"}
    # different problems stay apart
    assert sum(g.count for g in groups) == len(FUNDING) + len(STAFF) + len(OTHERS)
    assert len(groups) == 5
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)


def test_unrelated_texts_sharing_a_word_are_not_merged():
    groups = group_texts([("甲区", "监管手段不足。"), ("乙区", "人员不足。"), ("丙区", "检测设备老化。")])
    assert [g.count for g in groups] == [1, 1, 1]


def test_the_same_sentence_with_other_figures_and_the_unit_name_in_front_is_one_group():
    items = [("华容区", "华容区建立工作台账和月调度机制，2021年以来开展专项行动9次，阶段性目标基本完成。"),
             ("葛店经开区", "葛店经开区建立工作台账和月调度机制，2021年以来开展专项行动8次，阶段性目标基本完成。"),
             ("鄂城区", "鄂城区联合相关部门开展督导检查11轮，发现并整改问题9个。")]
    groups = group_texts(items, names=["华容区", "葛店经开区", "鄂城区"], first_clause=False)
    assert [g.units for g in groups] == [("华容区", "葛店经开区"), ("鄂城区",)]
    assert groups[0].text.startswith("建立工作台账")  # the unit's own name is not repeated
    assert comparison_key(items[0][1], ["华容区"], first_clause=False) == \
        comparison_key(items[1][1], ["葛店经开区"], first_clause=False)


def test_one_unit_raising_the_same_problem_twice_is_counted_once():
    groups = group_texts([("甲区", "经费不足。"), ("甲区", "资金短缺。"), ("乙区", "经费保障不到位。")])
    assert len(groups) == 1 and groups[0].units == ("甲区", "乙区") and groups[0].count == 2
    assert len(groups[0].members) == 3


def test_blank_texts_are_ignored():
    assert group_texts([("甲区", ""), ("乙区", "   ")]) == []


def test_informative_sentences_are_those_with_figures():
    text = "按照规划要求推进相关工作。2021年以来开展专项行动4次，整改问题9个。完成年度任务。"
    parts = sentences(text)
    assert parts == ["按照规划要求推进相关工作。", "2021年以来开展专项行动4次，整改问题9个。", "完成年度任务。"]
    assert [informative(s) for s in parts] == [False, True, False]
    assert not informative("2023年工作按计划推进。")  # a year alone is not a result
    assert figures("新登记主体2.1万户，增长12%") == 2
