"""Hotline pages: thin — parse, call a service or a selector, render."""

from django.shortcuts import render

from fangkong.core.scoping import get_visible_or_404

from .models import WorkOrder


def order_detail(request, pk: int):
    order = get_visible_or_404(WorkOrder, request.user, pk=pk)
    return render(request, "hotline/order_detail.html", {"order": order})
