"""The five levels of 政务服务"好差评" and the reasons a resident may tick for each, as data:
part of the contract, since the terminal offers them and the center checks and words what
`rating.submitted` carries.

Levels are coded 5 (非常满意) down to 1 (非常不满意), as the national interface's
`satisfaction` field. The options are the national platform's enabled lists (starLevel,
normCode, usingStatus = true; shared/reference/ratings.md section 3): 510-517, 406-413,
307-314, 207-214 and 108-115, in the order listed there. The retired codes (501-509,
401-405, 301-306, 201-206, 101-107) are not offered.

``words`` are the standard's Chinese words, exactly; ``english`` is the message id the
terminal's screen translates (kiosk/locale's zh_CN catalog gives back ``words``, which a
test checks), so the English screen reads them in English and the Chinese one exactly as
the standard.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RatingLevel:
    level: int          # 5 非常满意 ... 1 非常不满意
    words: str
    english: str

    @property
    def bad(self) -> bool:
        """不满意 and 非常不满意 are 差评: the resident is asked why (voluntarily)."""
        return self.level <= 2


@dataclass(frozen=True)
class RatingOption:
    code: int
    level: int
    words: str
    english: str


LEVELS: tuple[RatingLevel, ...] = (
    RatingLevel(5, "非常满意", "Very satisfied"),
    RatingLevel(4, "满意", "Satisfied"),
    RatingLevel(3, "基本满意", "Basically satisfied"),
    RatingLevel(2, "不满意", "Dissatisfied"),
    RatingLevel(1, "非常不满意", "Very dissatisfied"),
)

OPTIONS: tuple[RatingOption, ...] = (
    RatingOption(510, 5, "一窗受理一次办结", "One window took it and finished it at once"),
    RatingOption(511, 5, "可以先受理后补材料", "Accepted first, papers added later"),
    RatingOption(512, 5, "不用提交证明", "No certificates needed"),
    RatingOption(513, 5, "可以全程网上办理", "Can be done entirely online"),
    RatingOption(514, 5, "可以使用手机办理", "Can be done on a mobile phone"),
    RatingOption(515, 5, "可以就近办理", "Can be done close to home"),
    RatingOption(516, 5, "无需材料直接办理", "Done without any papers"),
    RatingOption(517, 5, "服务热情效率高", "Warm and efficient service"),
    RatingOption(406, 4, "填写一张表单就可完成申报", "One form was enough to apply"),
    RatingOption(407, 4, "在线提交材料窗口核验", "Papers sent online, checked at the window"),
    RatingOption(408, 4, "一张清单告知全部申报材料", "One list named every paper needed"),
    RatingOption(409, 4, "用告知承诺减免申报材料", "A written pledge replaced some papers"),
    RatingOption(410, 4, "可以在线预约办理", "Can book an appointment online"),
    RatingOption(411, 4, "跑大厅一次办完", "Done in one trip to the service hall"),
    RatingOption(412, 4, "可以使用自助机办理", "Can be done at a self-service terminal"),
    RatingOption(413, 4, "服务态度较好", "Good service attitude"),
    RatingOption(307, 3, "一次性告知需要补正的材料", "Told at once which papers to add"),
    RatingOption(308, 3, "提供申报材料样本", "Samples of the papers were provided"),
    RatingOption(309, 3, "在承诺的时间内办结", "Finished within the promised time"),
    RatingOption(310, 3, "办事指南指引准确", "The service guide was accurate"),
    RatingOption(311, 3, "按办事指南要求的材料即可办理",
                 "The papers the service guide lists were enough"),
    RatingOption(312, 3, "可以快递送达", "Can be delivered by courier"),
    RatingOption(313, 3, "跑动次数与承诺的一致", "As many trips as promised"),
    RatingOption(314, 3, "服务态度一般", "Average service attitude"),
    RatingOption(207, 2, "没有提供材料样本", "No samples of the papers"),
    RatingOption(208, 2, "没有提供材料清单", "No list of the papers"),
    RatingOption(209, 2, "未在承诺时间内办结", "Not finished within the promised time"),
    RatingOption(210, 2, "同样内容的证明材料被要求多次提交",
                 "Asked for the same proof more than once"),
    RatingOption(211, 2, "承诺网办但无法在线办理",
                 "Promised online, but it could not be done online"),
    RatingOption(212, 2, "在线预约办理后到实体大厅重复取号排队",
                 "Booked online, but had to queue again at the hall"),
    RatingOption(213, 2, "窗口人员业务不熟练", "The window staff did not know the work well"),
    RatingOption(214, 2, "服务态度生硬", "Curt service attitude"),
    RatingOption(108, 1, "在办事指南之外增加新的审批条件",
                 "Conditions added beyond the service guide"),
    RatingOption(109, 1, "需提供办事指南之外的申报材料",
                 "Papers asked for beyond the service guide"),
    RatingOption(110, 1, "无理由超过法定办理时间", "Past the legal time limit for no reason"),
    RatingOption(111, 1, "办事指南提供样本有错", "The samples in the service guide were wrong"),
    RatingOption(112, 1, "承诺在线收取申报材料实际无法收取",
                 "Papers promised to be taken online could not be sent"),
    RatingOption(113, 1, "多头跑窗口和部门", "Sent round several windows and departments"),
    RatingOption(114, 1, "跑动次数与承诺的不一致", "More trips than promised"),
    RatingOption(115, 1, "服务态度差效率低", "Poor attitude and slow service"),
)

_LEVELS = {level.level: level for level in LEVELS}
_BY_LEVEL = {level.level: tuple(o for o in OPTIONS if o.level == level.level)
             for level in LEVELS}
_BY_CODE = {option.code: option for option in OPTIONS}


def level(number: int) -> RatingLevel:
    """The level coded ``number`` (1-5); KeyError for any other."""
    return _LEVELS[number]


def options_for(number: int) -> tuple[RatingOption, ...]:
    """The level's options in the standard's order; () for a level that does not exist."""
    return _BY_LEVEL.get(number, ())


def option(code: int) -> RatingOption | None:
    return _BY_CODE.get(code)


def options_problem(level_number: int, codes: object) -> str | None:
    """What is wrong with ``codes`` as the reasons ticked for level ``level_number`` (each
    an option of that level, once), or None: the terminal refuses such a rating and the
    center does not count it."""
    if not isinstance(codes, (list, tuple)):
        return "the options are a list of codes"
    allowed = {option.code for option in options_for(level_number)}
    for code in codes:
        if isinstance(code, bool) or not isinstance(code, int) or code not in allowed:
            return (f"option {code!r} is not one of level {level_number}'s" +
                    (f" ({min(allowed)}-{max(allowed)})" if allowed else ""))
    if len(set(codes)) != len(codes):
        return "an option is given twice"
    return None
