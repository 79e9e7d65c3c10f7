"""InvestDesk（招商工作台）: a desktop application for a county investment-promotion centre."""

__version__ = "0.1.0"
APP_NAME = "招商工作台"
APP_ID = "InvestDesk"
