"""Place names for the fictional county (Chinese with pinyin)."""

from __future__ import annotations

TOWNSHIPS: list[tuple[str, str]] = [
    ("城关镇", "Chengguan Town"),
    ("石桥镇", "Shiqiao Town"),
    ("柳河乡", "Liuhe Township"),
    ("白云乡", "Baiyun Township"),
    ("龙泉镇", "Longquan Town"),
    ("枫林乡", "Fenglin Township"),
    ("黄土岭乡", "Huangtuling Township"),
    ("清水镇", "Qingshui Town"),
    ("马坊乡", "Mafang Township"),
    ("高桥镇", "Gaoqiao Town"),
    ("双河乡", "Shuanghe Township"),
    ("杨柳镇", "Yangliu Town"),
]

VILLAGE_PREFIXES: list[tuple[str, str]] = [
    ("王家", "Wangjia"), ("李家", "Lijia"), ("张家", "Zhangjia"), ("刘家", "Liujia"),
    ("陈家", "Chenjia"), ("杨家", "Yangjia"), ("赵家", "Zhaojia"), ("黄家", "Huangjia"),
    ("周家", "Zhoujia"), ("吴家", "Wujia"), ("徐家", "Xujia"), ("孙家", "Sunjia"),
    ("马家", "Majia"), ("胡家", "Hujia"), ("朱家", "Zhujia"), ("郭家", "Guojia"),
    ("何家", "Hejia"), ("罗家", "Luojia"), ("高家", "Gaojia"), ("林家", "Linjia"),
    ("石门", "Shimen"), ("柳树", "Liushu"), ("枣园", "Zaoyuan"), ("桃花", "Taohua"),
    ("杏林", "Xinglin"), ("松岭", "Songling"), ("竹园", "Zhuyuan"), ("青龙", "Qinglong"),
    ("白马", "Baima"), ("红旗", "Hongqi"), ("新民", "Xinmin"), ("太平", "Taiping"),
    ("永丰", "Yongfeng"), ("大塘", "Datang"), ("小河", "Xiaohe"), ("东山", "Dongshan"),
    ("西岭", "Xiling"), ("南坪", "Nanping"), ("北坡", "Beipo"), ("中梁", "Zhongliang"),
]

VILLAGE_SUFFIXES: list[tuple[str, str]] = [
    ("村", ""), ("庄村", "zhuang"), ("湾村", "wan"), ("坪村", "ping"), ("沟村", "gou"),
    ("岭村", "ling"), ("桥村", "qiao"), ("营村", "ying"), ("铺村", "pu"), ("寨村", "zhai"),
    ("坝村", "ba"), ("冲村", "chong"),
]
