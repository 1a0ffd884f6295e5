# Viewsets register on fangkong.core.api.router here.
