"""Export torchvision's ImageNet ResNet-18 as an STFPM teacher of your own: weights/resnet18-imagenet-custom.onnx."""
import torch
import torchvision

model = torchvision.models.resnet18(weights="IMAGENET1K_V1").eval()
torch.onnx.export(model, torch.randn(1, 3, 256, 256), "weights/resnet18-imagenet-custom.onnx",
                  input_names=["input"], opset_version=13)
print("wrote weights/resnet18-imagenet-custom.onnx")
