"""The public service catalog (公共服务事项目录清单)."""
