"""The page forms of billing. They parse and show messages; the rules are in the services."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DomainErrorForm
from core.models import Campus
from students.models import Student
from students.picker import StudentPickerField

from .models import LessonPackage, Payment

METHOD_CHOICES = Payment.Method.choices


class PackageForm(DomainErrorForm):
    course = forms.CharField(label=_("课程"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=LessonPackage.Kind.choices)
    lesson_kind = forms.ChoiceField(
        label=_("课型"), choices=LessonPackage.LessonKind.choices, initial=LessonPackage.LessonKind.MAIN,
        required=False, help_text=_("陪练课时单独计算：上课不扣陪练课时，陪练不扣上课课时"),
    )
    subject = forms.CharField(label=_("科目（可选）"), max_length=50, required=False)
    lessons = forms.IntegerField(label=_("购买课时"), min_value=1, max_value=10000)
    bonus_lessons = forms.IntegerField(label=_("赠送课时"), min_value=0, max_value=10000, initial=0)
    price = forms.DecimalField(label=_("课程总价（元）"), max_digits=12, decimal_places=2, min_value=0)
    paid = forms.DecimalField(label=_("本次实收（元）"), max_digits=12, decimal_places=2, min_value=0)
    payment_plan = forms.ChoiceField(
        label=_("付款方式"), choices=[("", _("按实收确定")), *LessonPackage.Plan.choices], required=False,
        help_text=_("售出后不再改变，付清尾款时改为全款"),
    )
    method = forms.ChoiceField(label=_("支付方式"), choices=METHOD_CHOICES)
    valid_from = forms.DateField(label=_("有效期起"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("有效期至"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = today + timedelta(days=365)

    def clean_lesson_kind(self) -> str:
        return self.cleaned_data.get("lesson_kind") or LessonPackage.LessonKind.MAIN


class PaymentForm(DomainErrorForm):
    amount = forms.DecimalField(label=_("收款金额（元）"), max_digits=12, decimal_places=2)
    method = forms.ChoiceField(label=_("支付方式"), choices=METHOD_CHOICES)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DeductionForm(DomainErrorForm):
    """手工扣课, on billing's package page and the desk's page alike."""

    reason = forms.CharField(label=_("扣课原因"), max_length=200, help_text=_("例如：忘带卡、读卡器故障"))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写扣课原因"))
        return reason


class ReversalForm(DomainErrorForm):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("冲正原因"), max_length=200)


class PaymentFilterForm(forms.Form):
    q = forms.CharField(label=_("学员"), required=False)
    course = forms.CharField(label=_("课程/班级"), required=False)
    purpose = forms.ChoiceField(label=_("项目"), choices=[("", _("全部")), *Payment.Purpose.choices], required=False)
    date_from = forms.DateField(label=_("从"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    date_to = forms.DateField(label=_("到"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class GoodsForm(DomainErrorForm):
    category = forms.CharField(label=_("类别"), max_length=50)
    name = forms.CharField(label=_("名称"), max_length=100)
    spec = forms.CharField(label=_("规格"), max_length=100, required=False)
    unit = forms.CharField(label=_("单位"), max_length=20, initial="个")
    warning_line = forms.IntegerField(label=_("库存预警线"), min_value=0, initial=5)
    price = forms.DecimalField(label=_("售价（元）"), max_digits=12, decimal_places=2, min_value=0)


class StockInForm(DomainErrorForm):
    quantity = forms.IntegerField(label=_("入库数量"), min_value=1, max_value=100000)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class SaleForm(DomainErrorForm):
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=100000, initial=1)
    student = StudentPickerField(label=_("学员（可选，散客不填）"), required=False)
    buyer_name = forms.CharField(label=_("散客姓名（可选）"), max_length=50, required=False)
    method = forms.ChoiceField(label=_("支付方式"), choices=METHOD_CHOICES)

    def __init__(self, *args, campus: Campus, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = Student.objects.filter(campus=campus)
