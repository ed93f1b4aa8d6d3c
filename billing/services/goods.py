"""The lobby shelf (商品): articles, stock in, sales. Stock never goes below zero: each
service locks the article's row (SELECT … FOR UPDATE) before it moves the stock, and a
database constraint refuses a negative stock anyway."""

from decimal import Decimal

from django.db import transaction

from core.errors import Conflict, InvalidInput
from core.models import Campus, Staff
from core.money import money
from students.models import Student

from ..errors import BillingError
from ..models import GoodsItem, Payment, StockMovement
from .payments import payment_record_other

MAX_QUANTITY = 100000


def _goods_fields(
    *, category: str, name: str, spec: str, unit: str, warning_line: int | None, price: Decimal | str | None
) -> tuple[dict[str, str], dict]:
    fields: dict[str, str] = {}
    values = {
        "category": (category or "").strip(),
        "name": (name or "").strip(),
        "spec": (spec or "").strip(),
        "unit": (unit or "").strip(),
    }
    for key, label, limit in (("category", "类别", 50), ("name", "名称", 100), ("unit", "单位", 20)):
        if not values[key]:
            fields[key] = f"请填写{label}"
        elif len(values[key]) > limit:
            fields[key] = f"{label}最多 {limit} 个字"
    if len(values["spec"]) > 100:
        fields["spec"] = "规格最多 100 个字"
    if warning_line is None or warning_line < 0:
        fields["warning_line"] = "预警线不能为负数"
    values["warning_line"] = warning_line
    try:
        values["price"] = money(price)  # type: ignore[arg-type]
        if values["price"] < 0:
            fields["price"] = "售价不能为负数"
    except (TypeError, ValueError):
        fields["price"] = "请填写售价，例如 12.50"
    return fields, values


@transaction.atomic
def goods_create(
    *,
    campus: Campus,
    category: str,
    name: str,
    spec: str = "",
    unit: str = "个",
    warning_line: int = 0,
    price: Decimal | str,
    by: Staff,
) -> GoodsItem:
    """Put a new article on the shelf (stock 0 until stocked in)."""
    fields, values = _goods_fields(
        category=category, name=name, spec=spec, unit=unit, warning_line=warning_line, price=price
    )
    if not fields and GoodsItem.objects.filter(campus=campus, name=values["name"], spec=values["spec"]).exists():
        fields["name"] = "本校区已有同名同规格的商品"
    if fields:
        raise InvalidInput("商品信息有误：" + "；".join(fields.values()), fields)
    return GoodsItem.objects.create(campus=campus, created_by=by, **values)


@transaction.atomic
def goods_update(
    *,
    item: GoodsItem,
    category: str,
    name: str,
    spec: str,
    unit: str,
    warning_line: int,
    price: Decimal | str,
    by: Staff,
) -> GoodsItem:
    """Change an article's details; its stock moves only by stock in and sales."""
    fields, values = _goods_fields(
        category=category, name=name, spec=spec, unit=unit, warning_line=warning_line, price=price
    )
    clash = GoodsItem.objects.filter(campus=item.campus, name=values["name"], spec=values["spec"]).exclude(pk=item.pk)
    if not fields and clash.exists():
        fields["name"] = "本校区已有同名同规格的商品"
    if fields:
        raise InvalidInput("商品信息有误：" + "；".join(fields.values()), fields)
    locked = GoodsItem.objects.select_for_update().get(pk=item.pk)
    for key, value in values.items():
        setattr(locked, key, value)
    locked.save(update_fields=[*values.keys()])
    return locked


def _quantity(quantity: int | None) -> int:
    if quantity is None or quantity < 1 or quantity > MAX_QUANTITY:
        raise InvalidInput("数量须为正整数", {"quantity": "须为正整数"})
    return quantity


@transaction.atomic
def goods_stock_in(*, item: GoodsItem, quantity: int, by: Staff, note: str = "") -> StockMovement:
    """Stock in (入库) `quantity` of an article."""
    quantity = _quantity(quantity)
    locked = GoodsItem.objects.select_for_update().get(pk=item.pk)
    locked.stock += quantity
    GoodsItem.objects.filter(pk=locked.pk).update(stock=locked.stock)  # the movement is its record
    item.stock = locked.stock
    return StockMovement.objects.create(
        item=locked,
        kind=StockMovement.Kind.STOCK_IN,
        quantity=quantity,
        stock_after=locked.stock,
        note=note.strip()[:200],
        created_by=by,
    )


@transaction.atomic
def goods_sell(
    *,
    item: GoodsItem,
    quantity: int,
    by: Staff,
    student: Student | None = None,
    buyer_name: str = "",
    method: str = Payment.Method.CASH,
) -> StockMovement:
    """Sell `quantity` of an article to a student or a walk-in (散客), at the shelf price,
    with its payment and receipt. More than the stock → 409 out_of_stock, nothing sold."""
    quantity = _quantity(quantity)
    if student is not None and student.campus_id != item.campus_id:
        raise InvalidInput("学员不属于该校区", {"student": "不属于该校区"})
    locked = GoodsItem.objects.select_for_update().get(pk=item.pk)
    if not locked.is_active:
        raise InvalidInput("该商品已下架", {"item": "已下架"})
    if quantity > locked.stock:
        raise Conflict(BillingError.OUT_OF_STOCK, f"库存不足：{locked} 只剩 {locked.stock}{locked.unit}")
    locked.stock -= quantity
    GoodsItem.objects.filter(pk=locked.pk).update(stock=locked.stock)  # the movement is its record
    item.stock = locked.stock
    total = money(locked.price * quantity)
    payment = None
    if total > 0:
        payment = payment_record_other(
            campus=locked.campus,
            student=student,
            purpose=Payment.Purpose.GOODS_SALE,
            amount=total,
            by=by,
            note=f"{locked} × {quantity}{locked.unit}"[:200],
            method=method,
        )
    return StockMovement.objects.create(
        item=locked,
        kind=StockMovement.Kind.SALE,
        quantity=-quantity,
        stock_after=locked.stock,
        unit_price=locked.price,
        student=student,
        buyer_name="" if student else (buyer_name.strip()[:50] or "散客"),
        payment=payment,
        created_by=by,
    )
